// DecodedEvent: one Kafka record after decoding and stateless validation.
//
// Owns the parsed ledger.v1.Event (reused across batches to keep the hot path light) and what
// decoding found. The Record's bytes belong to the batch (see record.hpp). Plain data.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/projector/record.hpp"
#include "ledger/v1/events.pb.h"

namespace ledger::projector {

enum class DecodeStatus {
  kValid,           // parsed and passed events::validate
  kUndecodable,     // the bytes are not a ledger.v1.Event
  kUnknownPayload,  // a payload this build does not know (newer schema): parked
  kInvalid,         // parsed, but events::validate found problems (see `error`)
  kRefused,         // valid, but PostgreSQL refused its rows: written again as a write_failed
                    // reject with only its checked identity (event_id, type, time, sequence)
};

struct DecodedEvent {
  Record record;
  DecodeStatus status = DecodeStatus::kUndecodable;
  ledger::v1::Event event;
  // kUndecodable / kInvalid: what is wrong ("decision_made.confidence: must be within 0..1").
  std::string error;
  // event.occurred_at in microseconds since the Unix epoch (0 when not set).
  std::int64_t occurred_at_us = 0;
  // False when a text field holds a NUL byte (a kInvalid event): PostgreSQL text cannot store
  // it, so the event is written with its bytes and checked identity only (as kRefused).
  bool text_storable = true;
};

// Parses and validates `record` into `out` (whose Event is cleared and reused).
void decode_record(const Record& record, DecodedEvent& out);

}  // namespace ledger::projector
