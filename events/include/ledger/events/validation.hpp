// Validation of events against the ledger.v1 contract, before anything is sent or projected.
//
// Owns: the stateless rules of the contract (required fields, decimal syntax and precision,
// ranges such as confidence within 0..1, quantities > 0, enums set). Stateful rules (an order
// must exist before its fill, overfill, leverage above the agent's maximum) belong to the
// projector. Promises: every problem is returned, not only the first, each as a field path in
// protobuf's field names and a reason a person can act on, e.g.
//   {"decision_made.confidence", "must be within 0..1"}. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ledger/v1/events.pb.h"

namespace ledger::events {

// The reason given for a text field holding a NUL byte (which PostgreSQL text cannot store):
// such an event's text must not be written anywhere, only its bytes.
inline constexpr const char* kNulBytesReason = "must not contain NUL bytes";

struct FieldError {
  std::string path;    // e.g. "order_filled.quantity", "event_id", "payload"
  std::string reason;  // e.g. "must be greater than 0"
  std::string to_string() const { return path + ": " + reason; }
  bool operator==(const FieldError&) const = default;
};

// All problems with `event`; empty when it is valid. An event with no payload set yields
// {"payload", "no payload set"} (a payload from a newer schema is the caller's to detect, see
// has_unknown_payload()).
std::vector<FieldError> validate(const ledger::v1::Event& event);

// True when the event carries a payload this build does not know (a newer schema): no known
// oneof case is set but the message holds unknown fields.
bool has_unknown_payload(const ledger::v1::Event& event);

}  // namespace ledger::events
