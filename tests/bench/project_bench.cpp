// ledger_project_bench: how fast `ledger project` folds a realistic mixed log into PostgreSQL,
// against a ceiling and a floor measured in the same run on the same cluster.
//
//   projector  `ledger project --exit-at-end` (a child process, default batch bounds) over N
//              records of the demo agents (registrations, signals, decisions, orders, accepts,
//              partial/full fills, cancels, expiries, heartbeats) with the mixed run's
//              duplicates, rejects and undecodable bytes, from the real broker into a fresh
//              migrated database. Time: process start to exit (connect, group join included).
//   ceiling    COPY ... FROM STDIN of the very rows the projector wrote (every table, read back
//              with COPY TO) into the same tables of a second migrated schema: the cost of
//              getting those rows into those tables with no logic at all. Once in text, once in
//              binary (the projector writes its append-only tables in binary).
//   floor      a naive projector on a sample: per event, one INSERT of its archive row and one
//              commit, extrapolated to events/s.
//   memory     the projector's peak RSS (VmHWM) when 1/4 of the records are committed, and its
//              last sample before exit (polled every 50 ms): flat when the second is not much
//              above the first.
//
// Needs the test services (ctest fixtures or `ledger broker start`/`ledger db start` under
// $LEDGER_TEST_STATE_DIR, as ctest runs them), and $LEDGER_BIN (the `ledger` executable):
//   LEDGER_TEST_STATE_DIR=build/x/test-state LEDGER_BIN=build/x/cli/ledger
//     build/x/tests/bench/ledger_project_bench [--events N] [--db-admin-uri URI]
// Not a ctest test (it runs for minutes).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "guarantees_support.hpp"
#include "ledger/local/process/process.hpp"
#include "ledger/testing/database.hpp"
#include "ledger/testing/services.hpp"

using namespace ledger;
using Clock = std::chrono::steady_clock;

namespace {

struct BenchOptions {
  int events = 1'000'000;
  int naive_sample = 5'000;
  int agents = 6;
  int partitions = 3;
  std::uint64_t seed = 7;
  std::string db_admin_uri;  // empty: the test cluster's
  int batch_events_max = 0;  // 0: the projector's default
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void line(const char* what, std::int64_t events, double seconds) {
  std::printf("%-34s %9lld records %8.2f s %10.0f records/s\n", what,
              static_cast<long long>(events), seconds, static_cast<double>(events) / seconds);
  std::fflush(stdout);
}

struct ProjectorRun {
  double seconds = 0;
  long peak_rss_kb_at_quarter = 0;
  long peak_rss_kb_at_end = 0;
  int exit_status = -1;
};

ProjectorRun run_projector(const BenchOptions& options, const std::string& topic,
                           const std::string& uri, std::int64_t total) {
  std::vector<std::string> argv{testing::ledger_bin(),
                                "project",
                                "-b",
                                testing::kafka_bootstrap(),
                                "-t",
                                topic,
                                "--db",
                                uri,
                                "--schema",
                                "ledger",
                                "--group",
                                "bench",
                                "--exit-at-end"};
  if (options.batch_events_max > 0) {
    argv.push_back("--batch-events-max");
    argv.push_back(std::to_string(options.batch_events_max));
  }
  ProjectorRun run;
  const auto start = Clock::now();
  const std::string log_path = testing::state_dir() + "/project_bench.log";
  std::printf("  ledger project logs to %s\n", log_path.c_str());
  local::process::SpawnOptions spawn;
  spawn.argv = argv;
  spawn.log_path = log_path;
  spawn.truncate_log = true;
  local::process::Child child(spawn);
  std::optional<int> exit_status;
  while (!(exit_status = child.wait(50))) {
    // VmHWM sampled while the child lives (after its exec: the fork's pages are not counted).
    run.peak_rss_kb_at_end = std::max(run.peak_rss_kb_at_end, bench::peak_rss_kb(child.pid()));
    if (run.peak_rss_kb_at_quarter == 0 &&
        testing::committed_sum(uri, "ledger", "bench").value_or(0) >= total / 4) {
      run.peak_rss_kb_at_quarter = bench::peak_rss_kb(child.pid());
      std::printf("  projector peak RSS at %lld committed: %ld KiB (%.1f s)\n",
                  static_cast<long long>(total / 4), run.peak_rss_kb_at_quarter,
                  seconds_since(start));
      std::fflush(stdout);
    }
  }
  run.seconds = seconds_since(start);
  run.exit_status = *exit_status;
  return run;
}

// The same rows by COPY (text and binary: the ceiling) and by INSERT + COMMIT per event (the
// floor), each printed as it is measured.
struct Baselines {
  bench::CopyResult copy;
  bench::CopyResult binary;
  std::int64_t naive_events = 0;
  double naive_seconds = 0;
};

Baselines measure_baselines(const BenchOptions& options, const std::string& uri,
                            const std::string& topic,
                            const std::vector<testing::RawRecord>& records) {
  const auto total = static_cast<std::int64_t>(records.size());
  Baselines b;
  b.copy = bench::copy_tables(uri, "ledger", "ceiling");
  std::printf("  ceiling copies %lld rows of %d tables (%.1f MiB of COPY text)\n",
              static_cast<long long>(b.copy.rows), b.copy.tables,
              static_cast<double>(b.copy.bytes) / 1048576.0);
  line("ceiling (COPY of the same rows)", total, b.copy.seconds);
  b.binary = bench::copy_tables(uri, "ledger", "ceiling_binary", bench::CopyFormat::kBinary);
  std::printf("  binary ceiling copies %lld rows (%.1f MiB of binary COPY data)\n",
              static_cast<long long>(b.binary.rows),
              static_cast<double>(b.binary.bytes) / 1048576.0);
  line("ceiling (binary COPY, same rows)", total, b.binary.seconds);
  const std::vector<testing::RawRecord> sample(
      records.begin(), records.begin() + std::min<std::int64_t>(total, options.naive_sample));
  b.naive_events = static_cast<std::int64_t>(sample.size());
  b.naive_seconds = bench::naive_insert(uri, "naive", topic, sample);
  line("floor (INSERT + COMMIT per event)", b.naive_events, b.naive_seconds);
  return b;
}

void print_ratios(const ProjectorRun& run, std::int64_t total, const Baselines& b) {
  const double projector_rate = static_cast<double>(total) / run.seconds;
  const double copy_rate = static_cast<double>(total) / b.copy.seconds;
  const double naive_rate = static_cast<double>(b.naive_events) / b.naive_seconds;
  const double binary_rate = static_cast<double>(total) / b.binary.seconds;
  std::printf("\nprojector / ceiling = %.2f   (target >= 0.5)\n", projector_rate / copy_rate);
  std::printf("projector / binary ceiling = %.2f\n", projector_rate / binary_rate);
  std::printf("projector / floor   = %.1f   (target >= 20)\n", projector_rate / naive_rate);
  std::printf(
      "peak RSS: %ld KiB at 1/4 of the records, %ld KiB at the end (%.2fx; flat: <= 1.25x)\n",
      run.peak_rss_kb_at_quarter, run.peak_rss_kb_at_end,
      run.peak_rss_kb_at_quarter > 0 ? static_cast<double>(run.peak_rss_kb_at_end) /
                                           static_cast<double>(run.peak_rss_kb_at_quarter)
                                     : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions options;
  CLI::App app("Benchmark of `ledger project` against a COPY ceiling and a naive floor");
  app.add_option("--events", options.events,
                 "Simulator events (records: + the mixed run's "
                 "duplicates, rejects and garbage)")
      ->capture_default_str();
  app.add_option("--naive-sample", options.naive_sample, "Events for the naive floor")
      ->capture_default_str();
  app.add_option("--agents", options.agents, "Demo agents (1..6)")->capture_default_str();
  app.add_option("--partitions", options.partitions, "Topic partitions")->capture_default_str();
  app.add_option("--seed", options.seed, "Simulator seed")->capture_default_str();
  app.add_option("--batch-events-max", options.batch_events_max,
                 "Projector batch bound (0: its default)");
  app.add_option("--db-admin-uri", options.db_admin_uri,
                 "Superuser URI of another cluster (default: the test cluster)");
  CLI11_PARSE(app, argc, argv);

  try {
    const std::string topic = testing::create_topic("project.bench", options.partitions);
    const std::string uri = bench::fresh_database(options.db_admin_uri, "project_bench");
    std::printf("cluster: %s\n", bench::cluster_settings(uri).c_str());
    for (const char* schema : {"ledger", "ceiling", "ceiling_binary", "naive"}) {
      testing::migrate_schema(uri, schema);
    }

    auto start = Clock::now();
    const auto records = testing::mixed_log(
        {.seed = options.seed, .events = options.events, .agents = options.agents});
    const auto total = static_cast<std::int64_t>(records.size());
    line("generate", total, seconds_since(start));
    start = Clock::now();
    testing::produce_all(testing::kafka_bootstrap(), topic, records);
    line("publish", total, seconds_since(start));

    const ProjectorRun run = run_projector(options, topic, uri, total);
    if (run.exit_status != 0) {
      std::fprintf(stderr, "ledger project exited with %d\n", run.exit_status);
      return EXIT_FAILURE;
    }
    if (testing::committed_sum(uri, "ledger", "bench").value_or(0) != total) {
      std::fprintf(
          stderr, "ledger project committed %lld of %lld records\n",
          static_cast<long long>(testing::committed_sum(uri, "ledger", "bench").value_or(0)),
          static_cast<long long>(total));
      return EXIT_FAILURE;
    }
    line("projector (ledger project)", total, run.seconds);

    const Baselines baselines = measure_baselines(options, uri, topic, records);
    print_ratios(run, total, baselines);
    bench::drop_database(options.db_admin_uri, uri);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ledger_project_bench: %s\n", e.what());
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
