// compare_with_kafka: a merge of each chain's archived rows (offset order, one page at a time)
// with its partition's records (archive_against_kafka.hpp).
#include "ledger/queries/archive_against_kafka.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafkacpp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace ledger::queries {
namespace {

using Clock = std::chrono::steady_clock;

struct StoredRow {
  std::int64_t offset = 0;
  std::string payload;
};

std::vector<StoredRow> payload_page(ReadOnlySession& session, const ChainHead& chain,
                                    std::int64_t offset_min) {
  const pqxx::result result = session.exec(
      "SELECT kafka_offset, payload FROM event_archive WHERE kafka_topic = $1 AND "
      "kafka_partition = $2 AND kafka_offset >= $3 AND kafka_offset <= $4 "
      "ORDER BY kafka_offset LIMIT $5",
      {chain.topic, std::to_string(chain.partition), std::to_string(offset_min),
       std::to_string(chain.last_offset), std::to_string(kVerifyPageRowsMax)});
  std::vector<StoredRow> rows;
  rows.reserve(result.size());
  for (const pqxx::row& row : result) {
    const pqxx::binarystring blob(row[1]);
    rows.push_back(StoredRow{row[0].as<std::int64_t>(),
                             std::string(reinterpret_cast<const char*>(blob.data()), blob.size())});
  }
  return rows;
}

void set_or_throw(RdKafka::Conf& conf, const std::string& key, const std::string& value) {
  std::string error;
  if (conf.set(key, value, error) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("Kafka property " + key + "=" + value + ": " + error);
  }
}

std::unique_ptr<RdKafka::KafkaConsumer> make_reader(const producer::KafkaOptions& kafka) {
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf = producer::make_kafka_conf(kafka, error);
  if (!conf) throw std::runtime_error(error);
  // A group id is required by the consumer; partitions are assigned, so it never joins.
  set_or_throw(*conf, "group.id", "ledger-audit-verify-" + std::to_string(::getpid()));
  set_or_throw(*conf, "enable.auto.commit", "false");
  set_or_throw(*conf, "enable.auto.offset.store", "false");
  set_or_throw(*conf, "auto.offset.reset", "earliest");
  set_or_throw(*conf, "isolation.level", "read_committed");
  set_or_throw(*conf, "enable.partition.eof", "true");
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer) throw std::runtime_error("cannot create Kafka consumer: " + error);
  return consumer;
}

// One partition's records in offset order; nullptr at the end of the partition.
class PartitionReader {
 public:
  PartitionReader(RdKafka::KafkaConsumer& consumer, const ChainHead& chain, std::int64_t start,
                  int timeout_ms)
      : consumer_(consumer), chain_(chain), timeout_ms_(timeout_ms) {
    std::vector<RdKafka::TopicPartition*> partitions = {
        RdKafka::TopicPartition::create(chain.topic, chain.partition, start)};
    const RdKafka::ErrorCode err = consumer_.assign(partitions);
    RdKafka::TopicPartition::destroy(partitions);
    if (err != RdKafka::ERR_NO_ERROR) {
      throw std::runtime_error(fmt::format("cannot read {}[{}]: {}", chain.topic, chain.partition,
                                           RdKafka::err2str(err)));
    }
  }
  ~PartitionReader() { consumer_.unassign(); }
  PartitionReader(const PartitionReader&) = delete;
  PartitionReader& operator=(const PartitionReader&) = delete;

  const RdKafka::Message* next() {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
    while (Clock::now() < deadline) {
      current_.reset(consumer_.consume(200));
      if (!current_) continue;
      switch (current_->err()) {
        case RdKafka::ERR_NO_ERROR:
          return current_.get();
        case RdKafka::ERR__PARTITION_EOF:
          return nullptr;
        case RdKafka::ERR__TIMED_OUT:
          continue;
        default:
          throw std::runtime_error(fmt::format("reading {}[{}]: {}", chain_.topic, chain_.partition,
                                               current_->errstr()));
      }
    }
    throw std::runtime_error(fmt::format("no record of {}[{}] from the broker in {} ms",
                                         chain_.topic, chain_.partition, timeout_ms_));
  }

 private:
  RdKafka::KafkaConsumer& consumer_;
  const ChainHead& chain_;
  int timeout_ms_;
  std::unique_ptr<RdKafka::Message> current_;
};

ChainBreak break_at(const ChainHead& chain, BreakKind kind, std::int64_t offset,
                    std::string detail) {
  return ChainBreak{kind, chain.topic, chain.partition, offset, std::move(detail)};
}

std::string difference(const StoredRow& row, const RdKafka::Message& record) {
  const std::string_view value(static_cast<const char*>(record.payload()), record.len());
  const auto [mismatch, unused] =
      std::mismatch(row.payload.begin(), row.payload.end(), value.begin(), value.end());
  return fmt::format(
      "the archived bytes ({} bytes) are not the topic's record ({} bytes); first difference "
      "at byte {}",
      row.payload.size(), value.size(), mismatch - row.payload.begin());
}

// Compares one chain; counts each row compared.
std::optional<ChainBreak> compare_chain(ReadOnlySession& session, RdKafka::KafkaConsumer& consumer,
                                        const ChainHead& chain, int timeout_ms,
                                        std::int64_t& rows_compared) {
  std::vector<StoredRow> page = payload_page(session, chain, 0);
  if (page.empty()) return std::nullopt;
  PartitionReader reader(consumer, chain, page.front().offset, timeout_ms);
  const RdKafka::Message* record = nullptr;
  while (!page.empty()) {
    for (const StoredRow& row : page) {
      while (record == nullptr || record->offset() < row.offset) {
        record = reader.next();
        if (record == nullptr) {
          return break_at(chain, BreakKind::kNotInKafka, row.offset,
                          "the topic ends before this offset: the archive holds a row the log "
                          "does not");
        }
      }
      if (record->offset() > row.offset) {
        return break_at(chain, BreakKind::kNotInKafka, row.offset,
                        fmt::format("no record at this offset in the topic (the next is at {}): "
                                    "the archive holds a row the log does not (or retention "
                                    "deleted it)",
                                    record->offset()));
      }
      ++rows_compared;
      const std::string_view value(static_cast<const char*>(record->payload()), record->len());
      if (value != row.payload) {
        return break_at(chain, BreakKind::kDiffersFromKafka, row.offset, difference(row, *record));
      }
    }
    page = payload_page(session, chain, page.back().offset + 1);
  }
  return std::nullopt;
}

}  // namespace

KafkaCompare compare_with_kafka(ReadOnlySession& session, const std::vector<ChainHead>& chains,
                                const producer::KafkaOptions& kafka, int timeout_ms) {
  KafkaCompare result;
  const std::unique_ptr<RdKafka::KafkaConsumer> consumer = make_reader(kafka);
  for (const ChainHead& chain : chains) {
    if (chain.last_offset < 0) continue;
    result.first_break = compare_chain(session, *consumer, chain, timeout_ms, result.rows_compared);
    if (result.first_break) break;
  }
  consumer->close();
  return result;
}

}  // namespace ledger::queries
