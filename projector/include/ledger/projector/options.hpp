// ProjectorOptions: everything one projector process needs to know, in one struct.
//
// Owns: defaults for the consumer group, the database, batch bounds and retry bounds.
// Every field states its meaning and default. Plain data; copy freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ledger/producer/kafka_options.hpp"

namespace ledger::projector {

inline constexpr const char* kDefaultGroup = "ledger-projector";
inline constexpr const char* kDefaultSchema = "ledger";

struct ProjectorOptions {
  // Kafka: brokers (-b), topic (-t), -X properties, state dir. See producer/kafka_options.hpp.
  producer::KafkaOptions kafka;
  // Consumer group id (--group). Members of one group share the topic's partitions.
  std::string group = kDefaultGroup;
  // libpq URI of the database (--db). Empty: resolved by the caller (schema's DatabaseOptions).
  std::string db_uri;
  // Schema holding the projected tables (--schema); set as search_path on every connection.
  std::string schema = kDefaultSchema;
  // A batch closes when it holds this many events (--batch-events-max), default 10000.
  std::size_t batch_events_max = 10000;
  // ... or when this long has passed since its first event (--batch-wait-ms-max), default 200.
  int batch_wait_ms_max = 200;
  // How long one consume() call may block, default 100 ms (bounds shutdown latency too).
  int poll_timeout_ms = 100;
  // Stop once every assigned partition is caught up to its end offset (--exit-at-end).
  bool exit_at_end = false;
  // PostgreSQL reconnects: attempts per outage before run() fails, and the backoff bounds.
  int reconnect_attempts_max = 30;
  int reconnect_backoff_ms_min = 100;
  int reconnect_backoff_ms_max = 5000;
  // Timeout for broker metadata/watermark queries, default 5000 ms.
  int kafka_query_timeout_ms = 5000;
};

}  // namespace ledger::projector
