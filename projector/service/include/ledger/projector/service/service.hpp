// ProjectorService: one projector process as it runs for real: the engine (projector.hpp)
// with the standard extensions (books/), observed by the metrics (metrics/), with the
// /metrics + /healthz server and the position monitor when asked for. `ledger project` runs
// one; `ledger up` runs one in process. This is where those pieces are put together, once.
//
// Promises: the engine is the same as replay's (same extensions, same options), so a live run
// and its rebuild fill the same tables; metrics count committed batches only. run() returns
// what the engine returned; the server and monitor stop with the service (destructor).
// Needs: a migrated schema, resolved brokers and database URI in the options. run() on one
// thread; metrics() may be read from any thread. Not copyable.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "ledger/projector/books/books.hpp"
#include "ledger/projector/metrics/projector_metrics.hpp"
#include "ledger/projector/metrics/registry.hpp"
#include "ledger/projector/options.hpp"
#include "ledger/projector/projector.hpp"

namespace ledger::projector {

struct ServiceOptions {
  ProjectorOptions projector;              // brokers and db_uri resolved
  ExtensionOptions books;                  // options of the standard extensions
  int metrics_port = -1;                   // -1: no HTTP server; 0: any free port
  std::string metrics_host = "127.0.0.1";  // address the server binds (0.0.0.0 in containers)
};

class ProjectorService {
 public:
  explicit ProjectorService(ServiceOptions options);
  ~ProjectorService();
  ProjectorService(const ProjectorService&) = delete;
  ProjectorService& operator=(const ProjectorService&) = delete;

  // With metrics_port >= 0: binds the /metrics + /healthz server and starts the position
  // monitor. Throws std::runtime_error naming the address when it cannot bind.
  void start_metrics();
  // The server's bound port; 0 when none runs.
  int metrics_port() const;

  // Runs the projector until `stop` is set (or caught up, with exit_at_end). Throws what
  // Projector::run throws.
  ProjectorStats run(const std::atomic<bool>& stop);

  ProjectorMetrics& metrics();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Applies the migrations to `schema_name`, logging progress. A failure of the partition
// upkeep after the migrations (pg_partman) leaves usable tables: it is logged as a warning and
// the migrations still count as applied. `note` says what was done ("5 applied, 0 already
// (pg_partman)"). False with `error` otherwise.
bool apply_migrations(const std::string& uri, const std::string& schema_name, std::string& note,
                      std::string& error);

}  // namespace ledger::projector
