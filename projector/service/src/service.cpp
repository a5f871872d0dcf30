#include "ledger/projector/service/service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <vector>

#include "ledger/projector/metrics/monitor.hpp"
#include "ledger/projector/metrics/server.hpp"
#include "ledger/schema/migrator.hpp"

namespace ledger::projector {

struct ProjectorService::Impl {
  ServiceOptions options;
  MetricsRegistry registry;
  ProjectorMetrics metrics{registry};
  std::unique_ptr<MetricsServer> server;
  std::unique_ptr<PositionMonitor> monitor;

  explicit Impl(ServiceOptions o) : options(std::move(o)) {}
};

ProjectorService::ProjectorService(ServiceOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

ProjectorService::~ProjectorService() {
  impl_->monitor.reset();  // closes its Kafka handle first
  if (impl_->server) impl_->server->stop();
}

void ProjectorService::start_metrics() {
  const ServiceOptions& options = impl_->options;
  if (options.metrics_port < 0 || impl_->server) return;
  impl_->server = std::make_unique<MetricsServer>(
      impl_->registry, &impl_->metrics,
      MetricsServerOptions{options.metrics_host, options.metrics_port});
  impl_->server->start();
  MonitorOptions monitor;
  monitor.kafka = options.projector.kafka;
  monitor.db_uri = options.projector.db_uri;
  monitor.schema = options.projector.schema;
  monitor.group = options.projector.group;
  impl_->monitor = std::make_unique<PositionMonitor>(impl_->metrics, monitor);
  impl_->monitor->start();
}

int ProjectorService::metrics_port() const { return impl_->server ? impl_->server->port() : 0; }

ProjectorStats ProjectorService::run(const std::atomic<bool>& stop) {
  Projector projector(impl_->options.projector);
  projector.set_observer(&impl_->metrics);
  const auto extensions = make_standard_extensions(impl_->options.books);
  for (const auto& extension : extensions) projector.add_extension(extension.get());
  return projector.run(stop);
}

ProjectorMetrics& ProjectorService::metrics() { return impl_->metrics; }

bool apply_migrations(const std::string& uri, const std::string& schema_name, std::string& note,
                      std::string& error) {
  try {
    pqxx::connection connection(uri);
    schema::MigrateOptions options;
    options.schema = schema_name;
    options.progress = [](const std::string& line) { spdlog::info("migrate: {}", line); };
    schema::MigrateResult result;
    if (!schema::migrate(connection, options, result, error)) {
      if (error.find("maintain_history") == std::string::npos) return false;
      // Partition upkeep failed after the migrations: the tables are usable, so go on.
      spdlog::warn("migrate: partition maintenance failed (continuing): {}",
                   error.substr(0, error.find('\n')));
      options.maintain_history = false;
      result = {};
      if (!schema::migrate(connection, options, result, error)) return false;
    }
    note = fmt::format("{} applied, {} already ({})", result.applied.size(),
                       result.already_applied.size(), result.backend);
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

}  // namespace ledger::projector
