// Column values derived from a DecodedEvent, shared by the writers. Internal; pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ledger/projector/decoded_event.hpp"

namespace ledger::projector {

// The event's occurred_at when it has a usable one, else the Kafka timestamp (microseconds).
std::int64_t effective_time_us(const DecodedEvent& event);
// "order_filled", "undecodable" (bytes not an Event), "unknown" (newer payload).
std::string event_type_text(const DecodedEvent& event);
// Whether the event's decoded text fields (agent_id, session, ids, JSON) may be written: not
// for bytes that are not an event, nor for an event PostgreSQL refused (they may be why).
bool has_event_text(const DecodedEvent& event);
// The event id when it is a UUID, else nullopt.
std::optional<std::string> event_uuid(const DecodedEvent& event);
// The event id when it is a UUID, else a deterministic UUID made from (topic, partition,
// offset), so derived rows of an undecodable record still have a stable key.
std::string event_uuid_or_synthetic(const DecodedEvent& event, const std::string& topic);
// Empty or "0" decimal means "none" (stop-loss / take-profit).
std::optional<std::string> price_or_none(const std::string& wire);

}  // namespace ledger::projector
