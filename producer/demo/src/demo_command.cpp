// `ledger demo`: simulated LLM trading agents publishing to the ledger's topic through the
// Publisher, or printing JSON Lines (--print) for `ledger publish` or a look.
#include "ledger/producer/demo_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "ledger/events/json.hpp"
#include "ledger/events/uuid.hpp"
#include "ledger/producer/demo/runner.hpp"
#include "ledger/producer/demo/stop_signal.hpp"
#include "ledger/producer/kafka_options.hpp"

namespace ledger::producer {
namespace {

struct DemoArgs {
  KafkaOptions kafka;
  demo::DemoRunOptions run;
  double duration_s = 0;
  bool print = false;
  int flush_timeout_ms = 30'000;
};

int print_events(const DemoArgs& args) {
  demo::Simulator simulator(args.run.simulator);
  const std::uint64_t count = args.run.events_max == 0 ? 100 : args.run.events_max;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string line = events::event_to_json(simulator.next());
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

void report_progress(const demo::DemoStats& stats, const char* prefix) {
  std::fprintf(stderr, "%sdemo: %llu published, %llu delivered, %llu failed", prefix,
               static_cast<unsigned long long>(stats.enqueued.load()),
               static_cast<unsigned long long>(stats.delivered.load()),
               static_cast<unsigned long long>(stats.failed.load()));
  std::fflush(stderr);
}

int publish_events(DemoArgs& args) {
  std::string error;
  const auto brokers = resolve_brokers(args.kafka, error);
  if (!brokers) {
    std::fprintf(stderr, "ledger demo: %s\n", error.c_str());
    return 2;
  }
  demo::StopSignal stop;
  demo::DemoStats stats;
  std::fprintf(stderr, "ledger demo: %d agents, seed %llu, run %s, %.1f events/s to %s on %s\n",
               args.run.simulator.agents, static_cast<unsigned long long>(args.run.simulator.seed),
               args.run.simulator.run_id.c_str(), args.run.rate_events_per_s,
               args.kafka.topic.c_str(), brokers->c_str());
  try {
    PublisherOptions options;
    options.brokers = *brokers;
    options.topic = args.kafka.topic;
    options.properties = args.kafka.properties;
    Publisher publisher(options);
    const bool tty = isatty(STDERR_FILENO) == 1;
    std::atomic<bool> done{false};
    std::thread progress([&] {
      const auto period = std::chrono::seconds(tty ? 1 : 5);
      auto next = std::chrono::steady_clock::now() + period;
      while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (std::chrono::steady_clock::now() < next) continue;
        report_progress(stats, tty ? "\r" : "");
        if (!tty) std::fputc('\n', stderr);
        next += period;
      }
    });
    demo::run_demo(publisher, args.run, stop.flag(), stats);
    done.store(true);
    progress.join();
    if (tty) std::fputc('\n', stderr);
    const int left = publisher.close(args.flush_timeout_ms);
    if (left > 0) std::fprintf(stderr, "ledger demo: %d events left after the flush\n", left);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "ledger demo: %s\n", e.what());
    return 2;
  }
  report_progress(stats, "ledger ");
  std::fprintf(stderr, "%s\n", stats.invalid.load() > 0 ? " (some events invalid)" : "");
  return stats.failed.load() == 0 && stats.invalid.load() == 0 ? 0 : 1;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* command = app.add_subcommand(
      "demo",
      "Simulated LLM trading agents (registrations, signals, decisions with reasoning, orders, "
      "fills, cancels, rejects, heartbeats with marks) published to the ledger's topic. "
      "Runs until Ctrl-C, --duration-s or --events. The same --seed and --run-id give the same "
      "events.");
  auto& sim = args->run.simulator;
  command->add_option("--seed", sim.seed, "Seed of the market walk and the agents' choices")
      ->capture_default_str();
  command->add_option("--agents", sim.agents, "How many agents (1..6)")
      ->capture_default_str()
      ->check(CLI::Range(1, demo::kAgentsMax));
  command->add_option("--rate", args->run.rate_events_per_s, "Events per second")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1'000'000.0));
  command->add_option("--duration-s", args->duration_s, "Stop after this many seconds (0: never)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--events", args->run.events_max,
                      "Stop after this many events (0: never; --print: default 100)");
  command->add_option("--run-id", sim.run_id,
                      "Salt of the ids (default: a new one per run, so reruns add new events)");
  command->add_flag("--real-time", args->run.real_time,
                    "Stamp events with the wall clock instead of the simulated clock");
  command->add_flag("--print", args->print,
                    "Print JSON Lines to stdout instead of publishing (simulated clock)");
  command
      ->add_option("--flush-timeout-ms", args->flush_timeout_ms,
                   "How long to wait for outstanding deliveries at the end")
      ->capture_default_str();
  add_kafka_options(*command, args->kafka);
  command->callback([args, &exit_code] {
    if (args->run.simulator.run_id.empty()) args->run.simulator.run_id = events::make_uuid_v7();
    args->run.duration_ms = static_cast<std::int64_t>(args->duration_s * 1000.0);
    exit_code = args->print ? print_events(*args) : publish_events(*args);
  });
}

}  // namespace ledger::producer
