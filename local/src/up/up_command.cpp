// `ledger up`: start (or find) the services, migrate, project, serve metrics, run the demo,
// show a live summary, and stop it all cleanly.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <pqxx/pqxx>
#include <thread>

#include "ledger/events/uuid.hpp"
#include "ledger/local/commands.hpp"
#include "ledger/local/up.hpp"
#include "ledger/producer/demo/stop_signal.hpp"
#include "ledger/projector/service/service.hpp"
#include "up_logging.hpp"
#include "up_services.hpp"
#include "up_summary.hpp"

namespace ledger::local {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPublisherFlushTimeoutMs = 10'000;

void say(const std::string& line) {
  std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
}

// Everything that runs between start and stop.
struct Runtime {
  std::unique_ptr<projector::ProjectorService> service;
  std::atomic<bool> projector_stop{false};
  std::atomic<bool> projector_failed{false};
  std::thread projector_thread;
  std::unique_ptr<producer::Publisher> publisher;
  producer::demo::DemoStats demo_stats;
  std::atomic<bool> demo_stop{false};
  std::thread demo_thread;
};

projector::ServiceOptions service_options(const UpOptions& options, const up::Services& services) {
  projector::ServiceOptions service;
  service.projector.kafka = options.kafka;
  service.projector.kafka.brokers = services.brokers;
  service.projector.kafka.state_dir = services.state_dir;
  service.projector.group = options.group;
  service.projector.db_uri = services.db_uri;
  service.projector.schema = options.database.schema;
  service.metrics_port = options.metrics_port;
  return service;
}

void start_projector(Runtime& rt, producer::demo::StopSignal& stop) {
  rt.projector_thread = std::thread([&rt, &stop] {
    try {
      const auto stats = rt.service->run(rt.projector_stop);
      spdlog::info("up: projector stopped after {} batches ({} events projected, {} rejected)",
                   stats.batches_committed, stats.events_projected, stats.events_rejected);
    } catch (const std::exception& e) {
      spdlog::error("up: projector failed: {}", e.what());
      rt.projector_failed.store(true);
      stop.request_stop();
    }
  });
}

void start_demo(UpOptions& options, const up::Services& services, Runtime& rt) {
  producer::PublisherOptions po;
  po.brokers = services.brokers;
  po.topic = options.kafka.topic;
  po.properties = options.kafka.properties;
  rt.publisher = std::make_unique<producer::Publisher>(po);
  options.demo_run.real_time = true;
  options.demo_run.simulator.run_id = events::make_uuid_v7();  // new ids, same market per seed
  rt.demo_thread = std::thread([&rt, run = options.demo_run] {
    producer::demo::run_demo(*rt.publisher, run, rt.demo_stop, rt.demo_stats);
  });
}

void summary_loop(const UpOptions& options, const up::Services& services, Runtime& rt,
                  producer::demo::StopSignal& stop, bool tty) {
  up::Summary summary(services.db_uri, options.database.schema);
  const int interval_ms =
      options.summary_interval_ms > 0 ? options.summary_interval_ms : (tty ? 1000 : 5000);
  const auto started = Clock::now();
  const auto deadline = options.duration_s > 0
                            ? started + std::chrono::milliseconds(
                                            static_cast<std::int64_t>(options.duration_s * 1000))
                            : Clock::time_point::max();
  auto next = started + std::chrono::milliseconds(interval_ms);
  int drawn_lines = 0;
  while (!stop.stopping() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (Clock::now() < next) continue;
    next += std::chrono::milliseconds(interval_ms);
    const auto snapshot = summary.take(rt.service->metrics());
    if (!tty) {
      say("up: " + up::Summary::render_line(snapshot));
      continue;
    }
    const std::string table = up::Summary::render_table(snapshot);
    std::string redraw;
    if (drawn_lines > 0) redraw = fmt::format("\x1b[{}F\x1b[J", drawn_lines);  // up, clear
    std::fputs((redraw + table).c_str(), stdout);
    std::fflush(stdout);
    drawn_lines = static_cast<int>(std::count(table.begin(), table.end(), '\n'));
  }
}

void shutdown(const UpOptions& options, const up::Services& services, Runtime& rt) {
  spdlog::info("up: stopping");
  rt.demo_stop.store(true);
  if (rt.demo_thread.joinable()) rt.demo_thread.join();
  if (rt.publisher) {
    const int left = rt.publisher->close(kPublisherFlushTimeoutMs);
    if (left > 0) spdlog::warn("up: demo: {} events not delivered before the timeout", left);
    say(fmt::format("up: demo published {} events ({} delivered, {} failed)",
                    rt.demo_stats.enqueued.load(), rt.demo_stats.delivered.load(),
                    rt.demo_stats.failed.load()));
  }
  rt.projector_stop.store(true);
  if (rt.projector_thread.joinable()) rt.projector_thread.join();
  rt.service.reset();  // its monitor closes its Kafka handle before the broker goes away
  if (!options.keep_services) up::stop_owned_services(services);
  up::release_up_dir(services);
}

// Starts everything in order, printing where each part listens. False: stop (error logged).
bool start_all(UpOptions& options, up::Services& services, Runtime& rt,
               producer::demo::StopSignal& stop) {
  std::string error;
  if (!up::ensure_kafka(options, services, stop.flag(), error)) {
    spdlog::error("up: kafka: {}", error);
    return false;
  }
  say(fmt::format("  kafka      {}  topic {}  ({})", services.brokers, options.kafka.topic,
                  services.kafka_note));
  if (!up::ensure_postgres(options, services, error)) {
    spdlog::error("up: postgres: {}", error);
    return false;
  }
  say(fmt::format("  postgres   {}  ({})", schema::redact_database_uri(services.db_uri),
                  services.db_note));
  std::string note;
  if (!projector::apply_migrations(services.db_uri, options.database.schema, note, error)) {
    spdlog::error("up: migrate: {}", schema::redact_database_uri(error));
    return false;
  }
  say(fmt::format("  schema     {}  (migrations: {})", options.database.schema, note));
  rt.service = std::make_unique<projector::ProjectorService>(service_options(options, services));
  try {
    rt.service->start_metrics();
  } catch (const std::exception& e) {
    spdlog::error("up: {}", e.what());
    return false;
  }
  start_projector(rt, stop);
  const int port = rt.service->metrics_port();
  say(
      fmt::format("  projector  group {}  metrics http://127.0.0.1:{}/metrics  health "
                  "http://127.0.0.1:{}/healthz",
                  options.group, port, port));
  if (options.demo) {
    start_demo(options, services, rt);
    say(fmt::format("  demo       {} agents, seed {}, {:.0f} events/s",
                    options.demo_run.simulator.agents, options.demo_run.simulator.seed,
                    options.demo_run.rate_events_per_s));
  }
  return true;
}

}  // namespace

int run_up(UpOptions options) {
  producer::demo::StopSignal stop;
  up::setup_logging(options.log_json, options.verbose, "");
  up::Services services;
  std::error_code ec;
  services.state_dir =
      std::filesystem::absolute(producer::resolve_state_dir(options.kafka.state_dir), ec)
          .lexically_normal()
          .string();
  services.up_dir = services.state_dir + "/up";
  std::string error;
  if (!up::acquire_up_dir(services, error)) {
    spdlog::error("up: {}", error);
    return 1;
  }
  say("ledger up: state in " + services.state_dir);
  Runtime rt;
  const bool started = start_all(options, services, rt, stop);
  const bool tty = isatty(STDOUT_FILENO) == 1;
  if (started) {
    say(tty ? "Ctrl-C stops everything. Logs: " + services.up_dir + "/up.log\n"
            : "Ctrl-C stops everything.");
    if (tty) up::setup_logging(options.log_json, options.verbose, services.up_dir + "/up.log");
    spdlog::info("up: running");
    summary_loop(options, services, rt, stop, tty);
    if (tty) up::setup_logging(options.log_json, options.verbose, "");
  }
  shutdown(options, services, rt);
  const bool failed = !started || rt.projector_failed.load();
  say(failed ? "ledger up: stopped after an error (see the log above)" : "ledger up: stopped");
  return failed ? 1 : 0;
}

void add_up_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<UpOptions>();
  CLI::App* sub = app.add_subcommand(
      "up",
      "Run the ledger locally: Kafka broker and PostgreSQL (started under the state dir unless "
      "configured), migrations, the projector with /healthz and /metrics, and with --demo "
      "simulated trading agents. Ctrl-C stops everything.");
  producer::add_kafka_options(*sub, options->kafka);
  schema::add_database_options(*sub, options->database);
  sub->add_flag("--demo", options->demo, "Also run simulated LLM trading agents");
  auto& sim = options->demo_run.simulator;
  sub->add_option("--seed", sim.seed, "Demo: seed of the market and the agents' choices")
      ->capture_default_str();
  sub->add_option("--agents", sim.agents, "Demo: how many agents (1..6)")
      ->capture_default_str()
      ->check(CLI::Range(1, producer::demo::kAgentsMax));
  sub->add_option("--rate", options->demo_run.rate_events_per_s, "Demo: events per second")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 100'000.0));
  sub->add_option("--group", options->group, "Projector consumer group")->capture_default_str();
  sub->add_option("--metrics-port", options->metrics_port,
                  "Port of /metrics and /healthz on 127.0.0.1 (0: any free port)")
      ->capture_default_str();
  sub->add_option("--kafka-port", options->kafka_port, "Port of the local Kafka broker")
      ->capture_default_str();
  sub->add_option("--postgres-port", options->postgres_port, "Port of the local PostgreSQL")
      ->capture_default_str();
  sub->add_option("--partitions", options->partitions,
                  "Partitions of the topic when the local broker creates it")
      ->capture_default_str();
  sub->add_option("--duration-s", options->duration_s, "Stop by itself after this long");
  sub->add_option("--summary-interval-ms", options->summary_interval_ms,
                  "Summary period (default: 1000 on a terminal, 5000 otherwise)");
  sub->add_flag("--log-json", options->log_json, "Logs as JSON lines");
  sub->add_flag("-v,--verbose", options->verbose, "Debug logs (every batch)");
  sub->add_flag("--keep-services", options->keep_services,
                "Leave the local broker and database running at exit");
  sub->callback([options, &exit_code] {
    options->database.state_dir = options->kafka.state_dir;
    exit_code = run_up(*options);
  });
}

}  // namespace ledger::local
