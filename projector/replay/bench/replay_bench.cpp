// Rebuild speed: publishes N events of the demo agents (with the mixed run's duplicates and
// rejects), projects them live, then rebuilds every table from the topic and from the archive.
// Prints events/s for each, and the PostgreSQL floor (see postgres_floor). Needs the test services
// (see CMakeLists.txt).
//   LEDGER_TEST_STATE_DIR=build/x/test-state ledger_replay_bench [events=1000000] [batch=20000]
// BENCH_DEBUG=1 adds the projector's per-batch and per-table timings (debug log).
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "ledger/projector/books/books.hpp"
#include "ledger/projector/projector.hpp"
#include "ledger/projector/replay/replay.hpp"
#include "ledger/testing/services.hpp"
#include "replay_schema.hpp"
#include "replay_support.hpp"

using namespace ledger;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void line(const char* what, std::int64_t events, double seconds) {
  std::printf("%-28s %9lld events  %7.2f s  %9.0f events/s\n", what, static_cast<long long>(events),
              seconds, static_cast<double>(events) / seconds);
  std::fflush(stdout);
}

// The least PostgreSQL needs to hold a rebuild's rows on this machine: every table of the
// rebuilt schema `from` copied inside PostgreSQL (INSERT ... SELECT: no client, no parsing, no
// projection logic) into the index-less tables of a fresh schema `to`, over two sessions, then
// the same indexes created over two sessions, as the rebuild does. Returns seconds.
double postgres_floor(const std::string& uri, const std::string& from, const std::string& to) {
  pqxx::connection admin(uri);
  projector::replay_schema::create_target(admin, to);
  const auto deferred = projector::replay_schema::defer_indexes(admin, to);
  std::vector<std::string> tables;
  {
    pqxx::read_transaction tx(admin);
    for (const pqxx::row& row : tx.exec_params(
             "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
             "AND c.relname <> 'schema_migrations' ORDER BY pg_total_relation_size(c.oid) DESC",
             from)) {
      tables.emplace_back(row[0].c_str());
    }
  }
  const auto start = Clock::now();
  std::atomic<std::size_t> next{0};
  auto copy_tables = [&] {
    pqxx::connection connection(uri);
    for (std::size_t i = next++; i < tables.size(); i = next++) {
      pqxx::work tx(connection);
      tx.exec0("SET LOCAL synchronous_commit TO off");
      tx.exec0("INSERT INTO " + tx.quote_name(to) + "." + tx.quote_name(tables[i]) +
               " SELECT * FROM " + tx.quote_name(from) + "." + tx.quote_name(tables[i]));
      tx.commit();
    }
  };
  std::thread second(copy_tables);
  copy_tables();
  second.join();
  projector::replay_schema::build_indexes(uri, deferred, 2, nullptr);
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  const int events = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
  const int batch = argc > 2 ? std::atoi(argv[2]) : 20'000;
  spdlog::set_level(std::getenv("BENCH_DEBUG") ? spdlog::level::debug : spdlog::level::warn);
  const std::string topic = testing::create_topic("replay.bench", 3);
  const std::string uri = replay_testing::migrated_database("replay_bench");
  auto start = Clock::now();
  const auto records = replay_testing::mixed_run(7, events, 6);
  line("generate", static_cast<std::int64_t>(records.size()), seconds_since(start));
  start = Clock::now();
  replay_testing::produce(topic, records);
  line("publish", static_cast<std::int64_t>(records.size()), seconds_since(start));

  projector::ProjectorOptions live = replay_testing::projector_options(topic, uri, "ledger");
  live.batch_events_max = 10'000;
  live.batch_wait_ms_max = 200;
  start = Clock::now();
  {
    const auto extensions = projector::make_standard_extensions();
    projector::Projector projector(live);
    for (const auto& extension : extensions) projector.add_extension(extension.get());
    const projector::ProjectorStats stats = projector.run_until_caught_up(3'600'000);
    line("live projector", stats.events_seen, seconds_since(start));
  }
  const std::atomic<bool> stop{false};
  double replay_kafka_seconds = 0.0;
  for (const auto source : {projector::ReplaySource::kKafka, projector::ReplaySource::kArchive}) {
    projector::ReplayOptions options;
    options.projector = replay_testing::projector_options(topic, uri, "ledger");
    options.projector.batch_events_max = static_cast<std::size_t>(batch);
    options.mode = projector::ReplayMode::kBuild;
    options.source = source;
    const auto extensions = projector::make_standard_extensions();
    for (const auto& extension : extensions) options.extensions.push_back(extension.get());
    options.target_schema =
        source == projector::ReplaySource::kKafka ? "bench_from_kafka" : "bench_from_archive";
    const projector::ReplayResult result = projector::run_replay(options, stop);
    line(source == projector::ReplaySource::kKafka ? "replay from Kafka" : "replay from archive",
         result.events, result.seconds);
    std::printf("  of which creating %d indexes: %.2f s\n", result.indexes_built,
                result.index_seconds);
    if (source == projector::ReplaySource::kKafka) replay_kafka_seconds = result.seconds;
  }
  const auto records_total = static_cast<std::int64_t>(records.size());
  const double floor_seconds = postgres_floor(uri, "bench_from_kafka", "bench_floor");
  line("PostgreSQL floor", records_total, floor_seconds);
  std::printf("replay from Kafka / floor: %.2fx the floor's time\n",
              replay_kafka_seconds / floor_seconds);
  // The run's database holds several GB per million events: not left behind.
  std::string database;
  {
    pqxx::connection connection(uri);
    database = connection.dbname();
  }
  pqxx::connection admin(testing::postgres_admin_uri());
  pqxx::nontransaction(admin).exec0("DROP DATABASE " + admin.quote_name(database) +
                                    " WITH (FORCE)");
  return EXIT_SUCCESS;
}
