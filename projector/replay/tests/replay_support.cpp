#include "replay_support.hpp"

#include <optional>
#include <stdexcept>

#include "ledger/testing/database.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::replay_testing {

std::vector<RawRecord> mixed_run(std::uint64_t seed, int events, int agents,
                                 bool refused_by_postgres) {
  return testing::mixed_log({.seed = seed,
                             .events = events,
                             .agents = agents,
                             .flips = true,
                             .refused_by_postgres = refused_by_postgres});
}

void produce(const std::string& topic, const std::vector<RawRecord>& records) {
  testing::produce_all(testing::kafka_bootstrap(), topic, records);
}

std::string migrated_database(const std::string& prefix) {
  const std::string uri = testing::create_database(prefix);
  testing::migrate_schema(uri, "ledger");
  return uri;
}

projector::ProjectorOptions projector_options(const std::string& topic, const std::string& uri,
                                              const std::string& schema, const std::string& group) {
  projector::ProjectorOptions options;
  options.kafka.brokers = ledger::testing::kafka_bootstrap();
  options.kafka.topic = topic;
  options.db_uri = uri;
  options.schema = schema;
  options.group = group;
  options.batch_events_max = 500;
  options.batch_wait_ms_max = 50;
  return options;
}

std::int64_t committed_total(const std::string& uri, const std::string& schema,
                             const std::string& group) {
  const std::optional<std::int64_t> sum = testing::committed_sum(uri, schema, group);
  if (!sum) throw std::runtime_error("PostgreSQL cannot be reached");
  return *sum;
}

}  // namespace ledger::replay_testing
