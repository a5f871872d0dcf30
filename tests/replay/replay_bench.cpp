// Rebuild speed: publishes N events of the demo agents (with the mixed run's duplicates and
// rejects), projects them live, then rebuilds every table from the topic and from the archive.
// Prints events/s for each. Needs the test services (see CMakeLists.txt).
//   LEDGER_TEST_STATE_DIR=build/x/test-state ledger_replay_bench [events=1000000] [batch=20000]
// BENCH_DEBUG=1 adds the projector's per-batch and per-table timings (debug log).
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ledger/projector/books.hpp"
#include "ledger/projector/projector.hpp"
#include "ledger/projector/replay.hpp"
#include "ledger/testing/services.hpp"
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
  }
  return EXIT_SUCCESS;
}
