#include "replay_support.hpp"

#include <pqxx/pqxx>
#include <stdexcept>

#include "ledger/schema/migrator.hpp"
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
  const std::string uri = ledger::testing::create_database(prefix);
  pqxx::connection connection(uri);
  schema::MigrateOptions options;
  schema::MigrateResult result;
  std::string error;
  if (!schema::migrate(connection, options, result, error)) {
    throw std::runtime_error("migrate: " + error);
  }
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
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  return tx
      .exec_params1("SELECT coalesce(sum(next_offset), 0)::bigint FROM " + tx.quote_name(schema) +
                        ".consumer_offsets WHERE consumer_group = $1",
                    group)[0]
      .as<std::int64_t>();
}

}  // namespace ledger::replay_testing
