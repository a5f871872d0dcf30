#include "harness.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "ledger/schema/migrator.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::projector::testing {

Harness::Harness(int partitions) {
  topic_ = ledger::testing::create_topic("projector", partitions);
  db_uri_ = ledger::testing::create_database("projector");
  pqxx::connection connection(db_uri_);
  schema::MigrateOptions migrate;
  migrate.schema = "ledger";
  schema::MigrateResult result;
  std::string error;
  if (!schema::migrate(connection, migrate, result, error)) {
    throw std::runtime_error("migrate: " + error);
  }
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string errstr;
  conf->set("bootstrap.servers", ledger::testing::kafka_bootstrap(), errstr);
  conf->set("enable.idempotence", "true", errstr);
  conf->set("linger.ms", "0", errstr);
  producer_.reset(RdKafka::Producer::create(conf.get(), errstr));
  if (!producer_) throw std::runtime_error("producer: " + errstr);
  group = "projector-test-" + ledger::testing::unique_suffix();
}

Harness::~Harness() {
  if (producer_) producer_->flush(10'000);
}

std::string join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += "|";
    out += part;
  }
  return out;
}

std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

ledger::v1::Event Harness::make(ledger::v1::Event::PayloadCase payload_case) {
  ledger::v1::Event event = events::valid_example(payload_case);
  event.set_sequence(++sequence_);
  return event;
}

void Harness::publish(const ledger::v1::Event& event) {
  publish_raw(event.SerializeAsString(), event.agent_id());
}

void Harness::publish_raw(const std::string& bytes, const std::string& key) {
  const RdKafka::ErrorCode err = producer_->produce(
      topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
      const_cast<char*>(bytes.data()), bytes.size(), key.data(), key.size(), 0, nullptr);
  if (err != RdKafka::ERR_NO_ERROR) throw std::runtime_error(RdKafka::err2str(err));
  if (producer_->flush(10'000) != RdKafka::ERR_NO_ERROR) throw std::runtime_error("flush");
}

void Harness::publish_many(const std::vector<ledger::v1::Event>& events) {
  std::string bytes;
  for (const ledger::v1::Event& event : events) {
    event.SerializeToString(&bytes);
    for (int attempt = 0;; ++attempt) {
      const RdKafka::ErrorCode err = producer_->produce(
          topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY, bytes.data(),
          bytes.size(), event.agent_id().data(), event.agent_id().size(), 0, nullptr);
      if (err == RdKafka::ERR_NO_ERROR) break;
      if (err != RdKafka::ERR__QUEUE_FULL || attempt > 1000) {
        throw std::runtime_error(RdKafka::err2str(err));
      }
      producer_->poll(100);
    }
    producer_->poll(0);
  }
  if (producer_->flush(120'000) != RdKafka::ERR_NO_ERROR) throw std::runtime_error("flush");
}

ProjectorOptions Harness::options() const {
  ProjectorOptions options;
  options.kafka.brokers = ledger::testing::kafka_bootstrap();
  options.kafka.topic = topic_;
  options.group = group;
  options.db_uri = db_uri_;
  options.batch_wait_ms_max = 50;
  options.reconnect_attempts_max = 5;
  return options;
}

ProjectorStats Harness::project() {
  Projector projector(options());
  return projector.run_until_caught_up(60'000);
}

pqxx::result Harness::query(const std::string& sql) {
  pqxx::connection connection(db_uri_);
  pqxx::work tx(connection);
  tx.exec0("SET search_path TO ledger, public");
  tx.exec0("SET TimeZone TO 'UTC'");
  pqxx::result result = tx.exec(sql);
  tx.commit();
  return result;
}

std::int64_t Harness::count(const std::string& table_and_where) {
  return query("SELECT count(*) FROM " + table_and_where)[0][0].as<std::int64_t>();
}

std::string Harness::value(const std::string& sql) {
  const pqxx::result result = query(sql);
  if (result.empty() || result[0][0].is_null()) return "";
  return result[0][0].c_str();
}

std::vector<std::string> Harness::rows(const std::string& columns, const std::string& from_where,
                                       const std::string& order_by) {
  std::string select;
  std::size_t start = 0;
  while (start <= columns.size()) {
    std::size_t end = columns.find(',', start);
    if (end == std::string::npos) end = columns.size();
    std::string column = columns.substr(start, end - start);
    column.erase(0, column.find_first_not_of(' '));
    if (!select.empty()) select += ", ";
    select += "coalesce((" + column + ")::text, 'NULL')";
    start = end + 1;
  }
  const pqxx::result result =
      query("SELECT concat_ws('|', " + select + ") FROM " + from_where + " ORDER BY " + order_by);
  std::vector<std::string> out;
  for (const pqxx::row& row : result) out.emplace_back(row[0].c_str());
  return out;
}

}  // namespace ledger::projector::testing
