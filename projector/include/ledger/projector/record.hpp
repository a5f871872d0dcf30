// Record: one Kafka message as the projector sees it, by reference.
//
// A Record does not own its bytes: they belong to the consumer's batch (the librdkafka
// messages) or, in tests, to the caller. REQUIRES: the bytes outlive every use of the Record.
// Plain data; thread-compatible.
#pragma once

#include <cstdint>
#include <string_view>

namespace ledger::projector {

struct Record {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string_view key;           // the Kafka key (agent_id by convention); may be empty
  std::string_view value;         // the serialized ledger.v1.Event
  std::int64_t timestamp_ms = 0;  // Kafka's message timestamp (create or log-append time)
};

}  // namespace ledger::projector
