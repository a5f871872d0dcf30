// JSON in and out of events through protobuf's own JSON mapping (field names as in the .proto,
// lowerCamelCase accepted on input, enums by name, Timestamp as RFC 3339).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ledger/v1/events.pb.h"

namespace ledger::events {

// Parses one JSON object into `event`. On failure returns false and sets `error` to protobuf's
// message (e.g. "INVALID_ARGUMENT:... invalid value ..."). Unknown fields are an error.
bool event_from_json(std::string_view json, ledger::v1::Event& event, std::string& error);

// One line of JSON (no newlines), original proto field names, enums as names, fields with
// default values omitted. Returns an empty string when protobuf cannot print the event (e.g. a
// Timestamp outside 0001..9999); use the overload below to learn why.
std::string event_to_json(const ledger::v1::Event& event);

// As above, but reports failure: returns false and sets `error` (and clears `json`).
bool event_to_json(const ledger::v1::Event& event, std::string& json, std::string& error);

}  // namespace ledger::events
