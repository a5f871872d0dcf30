// MetricsServer: /metrics and /healthz over cpp-httplib, bound before start() returns.
#include "ledger/projector/metrics/server.hpp"

#include <httplib.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace ledger::projector {

struct MetricsServer::Impl {
  Impl(const MetricsRegistry& r, const ProjectorMetrics* h, MetricsServerOptions o)
      : registry(r), health_source(h), options(std::move(o)) {}
  const MetricsRegistry& registry;
  const ProjectorMetrics* health_source;
  MetricsServerOptions options;
  httplib::Server server;
  std::thread thread;
  bool started = false;
};

MetricsServer::MetricsServer(const MetricsRegistry& registry, const ProjectorMetrics* health_source,
                             MetricsServerOptions options)
    : impl_(std::make_unique<Impl>(registry, health_source, std::move(options))) {}

MetricsServer::~MetricsServer() { stop(); }

void MetricsServer::start() {
  Impl& impl = *impl_;
  if (impl.started) return;
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second server
  // share the port silently instead of failing.
  impl.server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  impl.server.Get("/metrics", [&impl](const httplib::Request&, httplib::Response& response) {
    response.set_content(impl.registry.exposition(), "text/plain; version=0.0.4; charset=utf-8");
  });
  impl.server.Get("/healthz", [&impl](const httplib::Request&, httplib::Response& response) {
    HealthReport report{true, "ok: no projector attached"};
    if (impl.health_source != nullptr) report = impl.health_source->health();
    response.status = report.ready ? 200 : 503;
    response.set_content(report.detail + "\n", "text/plain; charset=utf-8");
  });
  impl.server.Get("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ledger projector: GET /metrics (Prometheus text), GET /healthz\n",
                         "text/plain; charset=utf-8");
  });
  const int port = impl.options.port == 0 ? impl.server.bind_to_any_port(impl.options.host)
                   : impl.server.bind_to_port(impl.options.host, impl.options.port)
                       ? impl.options.port
                       : -1;
  if (port <= 0) {
    throw std::runtime_error("metrics server: cannot listen on " + impl.options.host + ":" +
                             std::to_string(impl.options.port) +
                             " (address in use? pick another with --metrics-port)");
  }
  port_ = port;
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  impl.started = true;
  // httplib's stop() is a no-op until the listening loop runs, so wait for it (bounded): a
  // stop() right after start() must not leave the thread listening forever.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!impl.server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void MetricsServer::stop() {
  Impl& impl = *impl_;
  if (!impl.started) return;
  impl.server.stop();
  if (impl.thread.joinable()) impl.thread.join();
  impl.started = false;
}

}  // namespace ledger::projector
