#include <limits>

#include "ledger/events/validation.hpp"
#include "ledger/projector/decoded_event.hpp"

namespace ledger::projector {

void decode_record(const Record& record, DecodedEvent& out) {
  out.record = record;
  out.error.clear();
  out.occurred_at_us = 0;
  out.text_storable = true;
  out.event.Clear();
  if (record.value.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !out.event.ParseFromArray(record.value.data(), static_cast<int>(record.value.size()))) {
    out.status = DecodeStatus::kUndecodable;
    out.error = "not a ledger.v1.Event (" + std::to_string(record.value.size()) + " bytes)";
    return;
  }
  if (out.event.has_occurred_at()) {
    out.occurred_at_us =
        out.event.occurred_at().seconds() * 1'000'000 + out.event.occurred_at().nanos() / 1000;
  }
  if (events::has_unknown_payload(out.event)) {
    out.status = DecodeStatus::kUnknownPayload;
    out.error = "payload unknown to this build (newer schema)";
    return;
  }
  const std::vector<events::FieldError> errors = events::validate(out.event);
  if (errors.empty()) {
    out.status = DecodeStatus::kValid;
    return;
  }
  out.status = DecodeStatus::kInvalid;
  for (const events::FieldError& error : errors) {
    if (error.reason == events::kNulBytesReason) out.text_storable = false;
    if (!out.error.empty()) out.error.append("; ");
    out.error.append(error.to_string());
  }
}

}  // namespace ledger::projector
