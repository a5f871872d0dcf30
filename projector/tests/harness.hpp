// Harness for projector pipeline tests: a fresh topic and a fresh migrated database per test,
// a plain librdkafka producer (key = agent_id), the in-process Projector, and SQL helpers.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <initializer_list>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "examples.hpp"
#include "ledger/projector/projector.hpp"

namespace ledger::projector::testing {

// Lower-case hex of `bytes`.
std::string hex(const std::string& bytes);

// "a|b|c": the text Harness::rows gives a row of those cells (what a test expects a row to be).
std::string join(std::initializer_list<std::string> parts);

class Harness {
 public:
  explicit Harness(int partitions = 1);
  ~Harness();

  // A valid example event of `payload_case` for agent-1 with the next sequence number.
  ledger::v1::Event make(ledger::v1::Event::PayloadCase payload_case);
  // Publishes one event (key = agent_id) or raw bytes, and waits for the delivery.
  void publish(const ledger::v1::Event& event);
  void publish_raw(const std::string& bytes, const std::string& key = "agent-1");
  // Publishes many without waiting for each delivery; waits for all at the end.
  void publish_many(const std::vector<ledger::v1::Event>& events);

  ProjectorOptions options() const;
  // Runs an in-process projector until caught up (bounded); returns its stats.
  ProjectorStats project();

  pqxx::result query(const std::string& sql);
  std::int64_t count(const std::string& table_and_where);
  // One value as text ("" for NULL).
  std::string value(const std::string& sql);
  // Rows of `columns` (comma-separated) from `from_where`, each as "v1|v2|..." with NULL for
  // nulls, in `order_by` order. Timestamps print in UTC.
  std::vector<std::string> rows(const std::string& columns, const std::string& from_where,
                                const std::string& order_by = "1");

  const std::string& topic() const { return topic_; }
  const std::string& db_uri() const { return db_uri_; }
  std::string group = "projector-test";

 private:
  std::string topic_;
  std::string db_uri_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::uint64_t sequence_ = 0;
};

}  // namespace ledger::projector::testing
