// Payload names, one row per oneof case of ledger.v1.Event.
#include "ledger/events/event_types.hpp"

namespace ledger::events {
namespace {

using Case = ledger::v1::Event::PayloadCase;

struct PayloadNames {
  Case payload_case;
  std::string_view name;
  std::string_view type;
};

constexpr PayloadNames kPayloads[] = {
    {Case::kAgentRegistered, "agent_registered", "ledger.v1.AgentRegistered"},
    {Case::kAgentStatusChanged, "agent_status_changed", "ledger.v1.AgentStatusChanged"},
    {Case::kDecisionMade, "decision_made", "ledger.v1.DecisionMade"},
    {Case::kSignalEmitted, "signal_emitted", "ledger.v1.SignalEmitted"},
    {Case::kOrderPlaced, "order_placed", "ledger.v1.OrderPlaced"},
    {Case::kOrderAccepted, "order_accepted", "ledger.v1.OrderAccepted"},
    {Case::kOrderCanceled, "order_canceled", "ledger.v1.OrderCanceled"},
    {Case::kOrderRejected, "order_rejected", "ledger.v1.OrderRejected"},
    {Case::kOrderExpired, "order_expired", "ledger.v1.OrderExpired"},
    {Case::kOrderFilled, "order_filled", "ledger.v1.OrderFilled"},
    {Case::kAgentHeartbeat, "agent_heartbeat", "ledger.v1.AgentHeartbeat"},
    {Case::kBalanceAdjusted, "balance_adjusted", "ledger.v1.BalanceAdjusted"},
    {Case::kSystemEventReported, "system_event_reported", "ledger.v1.SystemEventReported"},
};

const PayloadNames* find(Case payload_case) {
  for (const auto& row : kPayloads) {
    if (row.payload_case == payload_case) return &row;
  }
  return nullptr;
}

}  // namespace

std::string_view payload_name(ledger::v1::Event::PayloadCase payload_case) {
  const PayloadNames* row = find(payload_case);
  return row != nullptr ? row->name : "unknown";
}

std::string_view payload_type(ledger::v1::Event::PayloadCase payload_case) {
  const PayloadNames* row = find(payload_case);
  return row != nullptr ? row->type : "ledger.v1.Unknown";
}

std::span<const ledger::v1::Event::PayloadCase> all_payload_cases() {
  static constexpr Case kCases[] = {
      Case::kAgentRegistered,    Case::kAgentStatusChanged, Case::kDecisionMade,
      Case::kSignalEmitted,      Case::kOrderPlaced,        Case::kOrderAccepted,
      Case::kOrderCanceled,      Case::kOrderRejected,      Case::kOrderExpired,
      Case::kOrderFilled,        Case::kAgentHeartbeat,     Case::kBalanceAdjusted,
      Case::kSystemEventReported};
  return kCases;
}

std::optional<ledger::v1::Event::PayloadCase> payload_case_from_name(std::string_view name) {
  for (const auto& row : kPayloads) {
    if (row.name == name || row.type == name) return row.payload_case;
  }
  return std::nullopt;
}

}  // namespace ledger::events
