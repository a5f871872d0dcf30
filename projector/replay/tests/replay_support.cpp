#include "replay_support.hpp"

#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>

#include "ledger/projector/books/books.hpp"
#include "ledger/projector/projector.hpp"
#include "ledger/testing/database.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::replay_testing {

std::vector<RawRecord> mixed_run(std::uint64_t seed, int events, int agents, bool nul_in_text) {
  return testing::mixed_log({.seed = seed,
                             .events = events,
                             .agents = agents,
                             .flips = true,
                             .nul_in_text = nul_in_text});
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

projector::ReplayOptions replay_options(const std::string& topic, const std::string& uri,
                                        projector::ReplayMode mode,
                                        projector::ReplaySource source) {
  projector::ReplayOptions options;
  options.projector = projector_options(topic, uri, "ledger");
  options.projector.batch_events_max = 2000;
  options.mode = mode;
  options.source = source;
  return options;
}

Extensions::Extensions() : owned(projector::make_standard_extensions()) {}

std::vector<projector::ProjectionExtension*> Extensions::raw() const {
  std::vector<projector::ProjectionExtension*> pointers;
  for (const auto& extension : owned) pointers.push_back(extension.get());
  return pointers;
}

void project_live(const std::string& topic, const std::string& uri, const std::string& schema,
                  const std::string& group) {
  Extensions extensions;
  projector::Projector projector(projector_options(topic, uri, schema, group));
  for (projector::ProjectionExtension* extension : extensions.raw()) {
    projector.add_extension(extension);
  }
  projector.run_until_caught_up(kTimeoutMs);
}

projector::ReplayResult replay(projector::ReplayOptions options, const std::atomic<bool>& stop) {
  Extensions extensions;
  options.extensions = extensions.raw();
  return projector::run_replay(options, stop);
}

std::int64_t count(const std::string& uri, const std::string& sql) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  return tx.exec1(sql)[0].as<std::int64_t>();
}

}  // namespace ledger::replay_testing
