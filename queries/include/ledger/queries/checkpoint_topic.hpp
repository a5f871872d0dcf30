// Checkpoint statements kept in a Kafka topic (`ledger audit checkpoint --output-topic T`,
// `ledger audit verify --checkpoint-topic T`): an outside witness can own that topic (or
// mirror it) so the operator cannot quietly rewrite the statements along with the archive.
// Owns: producing one statement (acks=all, idempotent, keyed so every statement lands in one
// partition in order) and reading every statement back (no consumer group, nothing committed).
// Promises: append_checkpoint_to_topic returns only once the broker acknowledged the
// statement; both throw std::runtime_error naming the topic and librdkafka's reason.
#pragma once

#include <string>
#include <vector>

#include "ledger/producer/kafka_options.hpp"
#include "ledger/queries/archive_verify.hpp"

namespace ledger::queries {

void append_checkpoint_to_topic(const std::string& statement, const producer::KafkaOptions& kafka,
                                const std::string& topic, int timeout_ms);

// Every statement in `topic` up to its current end (read_checkpoints on each record).
std::vector<ChainHead> read_checkpoint_topic(const producer::KafkaOptions& kafka,
                                             const std::string& topic, int timeout_ms);

}  // namespace ledger::queries
