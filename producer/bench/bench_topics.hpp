// The benchmark's topics: each run writes to a fresh topic, deleted afterwards, through
// librdkafka's admin API. Functions throw std::runtime_error with the broker's reason.
#pragma once

#include <string>

namespace ledger::producer::bench {

// Creates `topic` and waits (bounded) until every partition has a leader.
void create_topic(const std::string& brokers, const std::string& topic, int partitions);
// Deletes `topic` (best effort: failures are printed, not thrown).
void delete_topic(const std::string& brokers, const std::string& topic);

}  // namespace ledger::producer::bench
