#include "ledger/projector/apply.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "applier.hpp"
#include "ledger/events/uuid.hpp"

namespace ledger::projector {
namespace {

using ledger::v1::Event;

// The order_id of an order payload, or nullptr.
const std::string* order_id_of(const Event& event) {
  switch (event.payload_case()) {
    case Event::kOrderPlaced:
      return &event.order_placed().order_id();
    case Event::kOrderAccepted:
      return &event.order_accepted().order_id();
    case Event::kOrderCanceled:
      return &event.order_canceled().order_id();
    case Event::kOrderRejected:
      return &event.order_rejected().order_id();
    case Event::kOrderExpired:
      return &event.order_expired().order_id();
    case Event::kOrderFilled:
      return &event.order_filled().order_id();
    default:
      return nullptr;
  }
}

bool already_archived(const DecodedEvent& event, const ProjectionState& state) {
  const auto found = state.archived_next_offset.find(event.record.partition);
  return found != state.archived_next_offset.end() && event.record.offset < found->second;
}

}  // namespace

std::string canonical_event_id(const std::string& event_id) {
  std::string out = event_id;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string details_json(const DecodedEvent& event, const std::string& reason,
                         const std::string& detail) {
  nlohmann::json details = {{"reason", reason},
                            {"partition", event.record.partition},
                            {"offset", event.record.offset},
                            {"detail", detail}};
  if (event.status != DecodeStatus::kUndecodable && event.text_storable) {
    details["event_id"] = event.event.event_id();
    details["agent_id"] = event.event.agent_id();
  }
  return details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void collect_keys(std::span<const DecodedEvent> events, BatchKeys& keys) {
  for (const DecodedEvent& decoded : events) {
    if (decoded.status == DecodeStatus::kUndecodable) continue;
    const Event& event = decoded.event;
    if (events::is_uuid(event.event_id())) {
      keys.event_ids.insert(canonical_event_id(event.event_id()));
    }
    if (decoded.status != DecodeStatus::kValid) continue;
    keys.agent_ids.insert(event.agent_id());
    if (!event.session().empty()) keys.streams.emplace(event.agent_id(), event.session());
    if (const std::string* order_id = order_id_of(event)) {
      keys.orders.emplace(event.agent_id(), *order_id);
    }
  }
}

void apply_batch(std::span<const DecodedEvent> events, ProjectionState& state, BatchRows& rows,
                 std::span<ProjectionExtension* const> extensions) {
  Applier applier(state, rows, extensions);
  for (const DecodedEvent& event : events) applier.apply(event);
}

void Applier::apply(const DecodedEvent& event) {
  if (already_archived(event, state_)) {
    ++rows_.duplicates;  // a redelivery of a record an earlier transaction fully handled
    return;
  }
  rows_.archive.push_back(&event);
  if (event.status == DecodeStatus::kUndecodable) {
    reject(event, RejectReason::kUndecodable, event.error);
    return;
  }
  const bool has_id = events::is_uuid(event.event.event_id());
  const std::string event_id = has_id ? canonical_event_id(event.event.event_id()) : std::string();
  if (has_id && state_.processed_event_ids.count(event_id) != 0) {
    ++rows_.duplicates;
    return;
  }
  const char* outcome = "projected";
  if (event.status == DecodeStatus::kUnknownPayload) {
    rows_.parked.push_back(&event);
    outcome = "parked";
  } else if (event.status == DecodeStatus::kInvalid) {
    reject(event, RejectReason::kInvalidField, event.error);
    outcome = "rejected";
  } else {
    track_stream(event);
    const OrderState* order = nullptr;
    if (Outcome rejection = dispatch(event, order)) {
      reject(event, rejection->reason, rejection->detail);
      outcome = "rejected";
    } else {
      ++rows_.projected;
      see_agent(event);
      for (ProjectionExtension* extension : extensions_) extension->apply(event, order);
    }
  }
  if (has_id) {
    state_.processed_event_ids.insert(event_id);
    rows_.processed.push_back(ProcessedRow{&event, outcome});
  }
}

void Applier::reject(const DecodedEvent& event, RejectReason reason, const std::string& detail) {
  rows_.rejects.push_back(RejectRow{&event, reason, detail});
  const char* name = reject_reason_name(reason);
  rows_.derived_system_events.push_back(DerivedSystemEvent{
      &event, "projection_reject", "warning",
      std::string("event rejected: ") + name + ": " + detail, details_json(event, name, detail)});
}

void Applier::see_agent(const DecodedEvent& event) {
  auto [it, inserted] = rows_.agents.try_emplace(event.event.agent_id());
  if (inserted) it->second.first_seen_at_us = event.occurred_at_us;
}

void Applier::track_stream(const DecodedEvent& decoded) {
  const Event& event = decoded.event;
  if (event.session().empty() || event.sequence() == 0) return;
  StreamPosition& stream = state_.streams[StreamKey(event.agent_id(), event.session())];
  if (!stream.exists && stream.events_added == 0) {
    stream.first_seen_at_us = decoded.occurred_at_us;
  } else if (event.sequence() > stream.last_sequence + 1) {
    const std::uint64_t expected = stream.last_sequence + 1;
    nlohmann::json details = {
        {"agent_id", event.agent_id()},           {"session", event.session()},
        {"expected_sequence", expected},          {"sequence", event.sequence()},
        {"missing", event.sequence() - expected}, {"partition", decoded.record.partition},
        {"offset", decoded.record.offset}};
    rows_.derived_system_events.push_back(DerivedSystemEvent{
        &decoded, "sequence_gap", "warning",
        "sequence gap for agent " + event.agent_id() + " session " + event.session() +
            ": expected " + std::to_string(expected) + ", got " + std::to_string(event.sequence()),
        details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    ++stream.gaps_added;
  } else if (event.sequence() <= stream.last_sequence) {
    ++stream.duplicates_added;
  }
  stream.last_sequence = std::max<std::uint64_t>(stream.last_sequence, event.sequence());
  ++stream.events_added;
  stream.last_event_id = event.event_id();
  stream.updated_at_us = decoded.occurred_at_us;
  stream.dirty = true;
}

StrategySeen* Applier::see_strategy(const DecodedEvent& event, const std::string& strategy_id) {
  if (strategy_id.empty()) return nullptr;
  auto [it, inserted] = rows_.strategies.try_emplace(strategy_id);
  StrategySeen& seen = it->second;
  if (inserted) {
    seen.agent_id = event.event.agent_id();
    seen.first_seen_at_us = event.occurred_at_us;
    seen.last_seen_at_us = event.occurred_at_us;
  } else {
    seen.first_seen_at_us = std::min(seen.first_seen_at_us, event.occurred_at_us);
    seen.last_seen_at_us = std::max(seen.last_seen_at_us, event.occurred_at_us);
  }
  return &seen;
}

Outcome Applier::check_leverage(const DecodedEvent& event, std::uint32_t leverage) const {
  const auto found = state_.agents.find(event.event.agent_id());
  if (found == state_.agents.end() || found->second.max_leverage == 0) return std::nullopt;
  const std::uint32_t effective = leverage == 0 ? 1 : leverage;
  if (effective <= found->second.max_leverage) return std::nullopt;
  return Rejection{RejectReason::kLeverageAboveMax, "leverage " + std::to_string(effective) +
                                                        " is above the agent's max_leverage " +
                                                        std::to_string(found->second.max_leverage)};
}

void Applier::agent_registered(const DecodedEvent& decoded) {
  const Event& event = decoded.event;
  see_agent(decoded);
  AgentChange& change = rows_.agents[event.agent_id()];
  if (change.first_registration == nullptr) change.first_registration = &decoded;
  change.registration = &decoded;
  change.last_change = &decoded;
  state_.agents[event.agent_id()].max_leverage = event.agent_registered().max_leverage();
  see_strategy(decoded, event.agent_registered().strategy_id());
}

Outcome Applier::dispatch(const DecodedEvent& decoded, const OrderState*& order) {
  const Event& event = decoded.event;
  switch (event.payload_case()) {
    case Event::kAgentRegistered:
      agent_registered(decoded);
      return std::nullopt;
    case Event::kAgentStatusChanged: {
      see_agent(decoded);
      AgentChange& change = rows_.agents[event.agent_id()];
      change.status = &decoded;
      change.last_change = &decoded;
      return std::nullopt;
    }
    case Event::kDecisionMade:
      if (Outcome bad = check_leverage(decoded, event.decision_made().leverage())) return bad;
      rows_.decisions.push_back(&decoded);
      if (StrategySeen* seen = see_strategy(decoded, event.decision_made().strategy_id())) {
        ++seen->decisions;
      }
      return std::nullopt;
    case Event::kSignalEmitted:
      rows_.signals.push_back(&decoded);
      if (StrategySeen* seen = see_strategy(decoded, event.signal_emitted().strategy_id())) {
        ++seen->signals;
      }
      return std::nullopt;
    case Event::kOrderPlaced:
      return order_placed(decoded, order);
    case Event::kOrderAccepted:
    case Event::kOrderCanceled:
    case Event::kOrderRejected:
    case Event::kOrderExpired:
      return order_transition(decoded, order);
    case Event::kOrderFilled:
      return order_filled(decoded, order);
    case Event::kAgentHeartbeat: {
      rows_.heartbeats.push_back(&decoded);
      HeartbeatSummary& summary = rows_.latest_heartbeats[event.agent_id()];
      summary.latest = &decoded;
      ++summary.count;
      return std::nullopt;
    }
    case Event::kBalanceAdjusted:
      return std::nullopt;  // accounting (extensions) only
    case Event::kSystemEventReported:
      rows_.reported_system_events.push_back(&decoded);
      return std::nullopt;
    case Event::PAYLOAD_NOT_SET:
      break;
  }
  return Rejection{RejectReason::kInvalidField, "payload: no payload set"};
}

}  // namespace ledger::projector
