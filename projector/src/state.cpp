#include "ledger/projector/state.hpp"

#include <array>
#include <utility>

#include "ledger/projector/batch_rows.hpp"

namespace ledger::projector {
namespace {

constexpr std::array<std::pair<OrderStatus, const char*>, 7> kStatusNames{{
    {OrderStatus::kNew, "new"},
    {OrderStatus::kAccepted, "accepted"},
    {OrderStatus::kPartiallyFilled, "partially_filled"},
    {OrderStatus::kFilled, "filled"},
    {OrderStatus::kCanceled, "canceled"},
    {OrderStatus::kRejected, "rejected"},
    {OrderStatus::kExpired, "expired"},
}};

}  // namespace

const char* order_status_name(OrderStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<OrderStatus> parse_order_status(std::string_view name) {
  for (const auto& [value, text] : kStatusNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

bool is_open(OrderStatus status) {
  return status == OrderStatus::kNew || status == OrderStatus::kAccepted ||
         status == OrderStatus::kPartiallyFilled;
}

Decimal OrderState::remaining_quantity() const {
  return Decimal::checked_sub(quantity, filled_quantity).value_or(Decimal{});
}

void ProjectionState::clear() {
  orders.clear();
  agents.clear();
  streams.clear();
  processed_event_ids.clear();
}

void ProjectionState::settle() {
  for (auto& [key, order] : orders) order.dirty = false;
  for (auto& [key, stream] : streams) {
    if (!stream.dirty) continue;
    stream.exists = true;
    stream.events_added = 0;
    stream.gaps_added = 0;
    stream.duplicates_added = 0;
    stream.dirty = false;
  }
}

void BatchKeys::clear() {
  agent_ids.clear();
  orders.clear();
  event_ids.clear();
}

const char* reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::kUndecodable:
      return "undecodable";
    case RejectReason::kInvalidField:
      return "invalid_field";
    case RejectReason::kFillUnknownOrder:
      return "fill_unknown_order";
    case RejectReason::kFillClosedOrder:
      return "fill_closed_order";
    case RejectReason::kFillAfterCancel:
      return "fill_after_cancel";
    case RejectReason::kOverfill:
      return "overfill";
    case RejectReason::kDuplicateFillId:
      return "duplicate_fill_id";
    case RejectReason::kOrderUnknown:
      return "order_unknown";
    case RejectReason::kTransitionFromClosed:
      return "transition_from_closed";
    case RejectReason::kInvalidTransition:
      return "invalid_transition";
    case RejectReason::kDuplicateOrderId:
      return "duplicate_order_id";
    case RejectReason::kLeverageAboveMax:
      return "leverage_above_max";
    case RejectReason::kArithmeticOverflow:
      return "arithmetic_overflow";
    case RejectReason::kWriteFailed:
      return "write_failed";
  }
  return "unknown";
}

void BatchRows::clear() {
  archive.clear();
  processed.clear();
  decisions.clear();
  signals.clear();
  heartbeats.clear();
  reported_system_events.clear();
  parked.clear();
  fills.clear();
  order_events.clear();
  rejects.clear();
  derived_system_events.clear();
  agents.clear();
  latest_heartbeats.clear();
  strategies.clear();
  projected = 0;
  duplicates = 0;
}

}  // namespace ledger::projector
