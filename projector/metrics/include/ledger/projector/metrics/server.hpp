// MetricsServer: GET /metrics and GET /healthz over HTTP (cpp-httplib), on its own threads.
//
// Promises: binds the address it is given (127.0.0.1 unless told otherwise) or throws naming
// it; /metrics is the registry's exposition at the time of the request; /healthz answers 200
// "ok ..." or 503 "not ready: ..." from ProjectorMetrics::health(). stop() is idempotent and
// joins the thread. Not copyable; start/stop from one thread.
#pragma once

#include <memory>
#include <string>

#include "ledger/projector/metrics/projector_metrics.hpp"
#include "ledger/projector/metrics/registry.hpp"

namespace ledger::projector {

// The HTTP side: GET /metrics (text format 0.0.4) and GET /healthz (200 "ok ..." or 503 "not
// ready: ..."), served by cpp-httplib on its own threads. Binds 127.0.0.1 unless told otherwise.
struct MetricsServerOptions {
  std::string host = "127.0.0.1";
  int port = 9464;  // 0: any free port (see MetricsServer::port())
};

class MetricsServer {
 public:
  MetricsServer(const MetricsRegistry& registry, const ProjectorMetrics* health_source,
                MetricsServerOptions options);
  ~MetricsServer();  // stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds and starts serving on a background thread; returns once the socket listens.
  // Throws std::runtime_error naming the address when it cannot bind.
  void start();
  // The bound port (after start()).
  int port() const { return port_; }
  // Stops serving and joins the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace ledger::projector
