// Comparing the archive with the topic it was projected from (`ledger audit verify
// --against-kafka`).
// Owns: reading each chain's partition from the broker, from the chain's first archived offset,
// and checking that every archived row holds exactly the value of the record at its offset.
// This catches what the chain alone cannot: an archive rewritten with its hashes recomputed.
//
// Promises: reads only (producer::TopicReader: partitions assigned, no group join, nothing
// committed), isolation.level=read_committed, up to each partition's end when it is opened;
// memory bounded by one page of rows (kVerifyPageRowsMax) and librdkafka's fetch buffers. The first
// difference is returned; a broker that does not answer within `timeout_ms` (per record awaited) or
// refuses the partition is a std::runtime_error.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ledger/producer/kafka_options.hpp"
#include "ledger/queries/archive_verify.hpp"

namespace ledger::queries {

struct KafkaCompare {
  std::int64_t rows_compared = 0;
  std::optional<ChainBreak> first_break;  // kDiffersFromKafka or kNotInKafka
};

// Every archived row of `chains` (topic, partition; up to each chain's last_offset) against
// the record at its offset in the topic.
KafkaCompare compare_with_kafka(ReadOnlySession& session, const std::vector<ChainHead>& chains,
                                const producer::KafkaOptions& kafka, int timeout_ms);

}  // namespace ledger::queries
