// `ledger project`: runs one projector (a consumer-group member) until SIGINT/SIGTERM, or until
// caught up with --exit-at-end.
#include "ledger/projector/service/project_command.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <pqxx/pqxx>

#include "ledger/projector/books/books.hpp"
#include "ledger/projector/projector.hpp"
#include "ledger/projector/service/service.hpp"
#include "ledger/schema/database_options.hpp"

namespace ledger::projector {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_project_stop_signal(int /*signal*/) { g_stop.store(true); }

struct ProjectCommand {
  ProjectorOptions options;
  ExtensionOptions extensions;
  schema::DatabaseOptions database;
  bool migrate = false;
  bool verbose = false;
  int metrics_port = -1;  // -1: no HTTP server; 0: any free port
  std::string metrics_host = "127.0.0.1";
};

int run_project(ProjectCommand& command) {
  if (command.verbose) spdlog::set_level(spdlog::level::debug);
  if (command.database.state_dir.empty()) {
    command.database.state_dir = command.options.kafka.state_dir;
  }
  std::string error;
  const std::optional<std::string> uri = schema::resolve_database_uri(command.database, error);
  if (!uri) {
    spdlog::error("project: {}", error);
    return EXIT_FAILURE;
  }
  command.options.db_uri = *uri;
  command.options.schema = command.database.schema;
  std::string note;
  if (command.migrate && !apply_migrations(*uri, command.database.schema, note, error)) {
    spdlog::error("migrate: {}", schema::redact_database_uri(error));
    return EXIT_FAILURE;
  }
  std::signal(SIGINT, on_project_stop_signal);
  std::signal(SIGTERM, on_project_stop_signal);
  spdlog::info("project: group '{}', topic '{}', schema '{}', database {}", command.options.group,
               command.options.kafka.topic, command.options.schema,
               schema::redact_database_uri(*uri));
  ServiceOptions service_options{command.options, command.extensions, command.metrics_port,
                                 command.metrics_host};
  if (command.metrics_port >= 0) {
    // The monitor asks Kafka for the high watermarks: it needs the brokers resolved.
    if (const auto brokers = producer::resolve_brokers(command.options.kafka, error)) {
      service_options.projector.kafka.brokers = *brokers;
    }
  }
  ProjectorService service(service_options);
  service.start_metrics();
  if (command.metrics_port >= 0) {
    spdlog::info("project: metrics http://{}:{}/metrics  health http://{}:{}/healthz",
                 command.metrics_host, service.metrics_port(), command.metrics_host,
                 service.metrics_port());
  }
  const ProjectorStats stats = service.run(g_stop);
  spdlog::info(
      "project: stopped after {} batches: {} events ({} projected, {} rejected, {} "
      "parked, {} duplicates)",
      stats.batches_committed, stats.events_seen, stats.events_projected, stats.events_rejected,
      stats.events_parked, stats.duplicates);
  return EXIT_SUCCESS;
}

}  // namespace

void add_project_command(CLI::App& app, int& exit_code) {
  auto command = std::make_shared<ProjectCommand>();
  CLI::App* sub = app.add_subcommand(
      "project", "Fold the events topic into PostgreSQL (one consumer-group member)");
  producer::add_kafka_options(*sub, command->options.kafka);
  schema::add_database_options(*sub, command->database);
  sub->add_option("--group", command->options.group, "Kafka consumer group id")
      ->capture_default_str();
  sub->add_option("--batch-events-max", command->options.batch_events_max,
                  "Events per batch at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  sub->add_option("--batch-wait-ms-max", command->options.batch_wait_ms_max,
                  "Milliseconds a batch may wait for more events")
      ->capture_default_str()
      ->check(CLI::Range(1, 60'000));
  add_extension_options(*sub, command->extensions);
  sub->add_option("--metrics-port", command->metrics_port,
                  "Serve /metrics and /healthz on this port (0: any free port; default: none)")
      ->check(CLI::Range(0, 65535));
  sub->add_option("--metrics-host", command->metrics_host,
                  "Address the metrics server binds (0.0.0.0 in containers)")
      ->capture_default_str();
  sub->add_flag("--migrate", command->migrate, "Apply pending migrations first");
  sub->add_flag("--exit-at-end", command->options.exit_at_end,
                "Stop once caught up with the end of every assigned partition");
  sub->add_flag("-v,--verbose", command->verbose, "Debug logging (every batch)");
  sub->callback([command, &exit_code] {
    try {
      exit_code = run_project(*command);
    } catch (const std::exception& e) {
      spdlog::error("project: {}", e.what());
      exit_code = EXIT_FAILURE;
    }
  });
}

}  // namespace ledger::projector
