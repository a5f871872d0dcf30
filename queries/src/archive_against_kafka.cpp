// compare_with_kafka: a merge of each chain's archived rows (offset order, one page at a time)
// with its partition's records, read by producer::TopicReader (archive_against_kafka.hpp).
#include "ledger/queries/archive_against_kafka.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include "archive_rows.hpp"
#include "ledger/producer/topic_reader.hpp"

namespace ledger::queries {
namespace {

using Clock = std::chrono::steady_clock;

// One partition's records in offset order, up to the end captured when it was opened.
class PartitionRecords {
 public:
  PartitionRecords(const producer::KafkaOptions& kafka, const ChainHead& chain, int timeout_ms)
      : reader_(options_for(kafka, chain, timeout_ms)), chain_(chain), timeout_ms_(timeout_ms) {}

  // The next record; nullopt at the end of the partition. Throws when the broker is silent.
  std::optional<producer::Record> next() {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
    while (!reader_.done()) {
      if (std::optional<producer::Record> record = reader_.next(200)) return record;
      if (Clock::now() > deadline) {
        throw std::runtime_error(fmt::format("no record of {}[{}] from the broker in {} ms",
                                             chain_.topic, chain_.partition, timeout_ms_));
      }
    }
    return std::nullopt;
  }

 private:
  static producer::TopicReaderOptions options_for(const producer::KafkaOptions& kafka,
                                                  const ChainHead& chain, int timeout_ms) {
    std::string error;
    const std::optional<std::string> brokers = producer::resolve_brokers(kafka, error);
    if (!brokers) throw std::runtime_error(error);
    producer::TopicReaderOptions options;
    options.brokers = *brokers;
    options.topic = chain.topic;
    options.partitions = {chain.partition};
    options.properties = kafka.properties;
    options.properties.emplace_back("isolation.level", "read_committed");
    options.metadata_timeout_ms = timeout_ms;
    return options;
  }

  producer::TopicReader reader_;
  const ChainHead& chain_;
  int timeout_ms_;
};

ChainBreak break_at(const ChainHead& chain, BreakKind kind, std::int64_t offset,
                    std::string detail) {
  return ChainBreak{kind, chain.topic, chain.partition, offset, std::move(detail)};
}

std::string difference(const ArchiveRow& row, const std::string& value) {
  const auto [mismatch, unused] =
      std::mismatch(row.payload.begin(), row.payload.end(), value.begin(), value.end());
  return fmt::format(
      "the archived bytes ({} bytes) are not the topic's record ({} bytes); first difference "
      "at byte {}",
      row.payload.size(), value.size(), mismatch - row.payload.begin());
}

// Compares one chain; counts each row compared.
std::optional<ChainBreak> compare_chain(ReadOnlySession& session,
                                        const producer::KafkaOptions& kafka, const ChainHead& chain,
                                        int timeout_ms, std::int64_t& rows_compared) {
  std::vector<ArchiveRow> page =
      read_archive_page(session, chain.topic, chain.partition, 0, chain.last_offset);
  if (page.empty()) return std::nullopt;
  PartitionRecords records(kafka, chain, timeout_ms);
  std::optional<producer::Record> record;
  while (!page.empty()) {
    for (const ArchiveRow& row : page) {
      while (!record || record->offset < row.offset) {
        record = records.next();
        if (!record) {
          return break_at(chain, BreakKind::kNotInKafka, row.offset,
                          "the topic ends before this offset: the archive holds a row the log "
                          "does not");
        }
      }
      if (record->offset > row.offset) {
        return break_at(chain, BreakKind::kNotInKafka, row.offset,
                        fmt::format("no record at this offset in the topic (the next is at {}): "
                                    "the archive holds a row the log does not (or retention "
                                    "deleted it)",
                                    record->offset));
      }
      ++rows_compared;
      if (record->value != row.payload) {
        return break_at(chain, BreakKind::kDiffersFromKafka, row.offset,
                        difference(row, record->value));
      }
    }
    page = read_archive_page(session, chain.topic, chain.partition, page.back().offset + 1,
                             chain.last_offset);
  }
  return std::nullopt;
}

}  // namespace

KafkaCompare compare_with_kafka(ReadOnlySession& session, const std::vector<ChainHead>& chains,
                                const producer::KafkaOptions& kafka, int timeout_ms) {
  KafkaCompare result;
  for (const ChainHead& chain : chains) {
    if (chain.last_offset < 0) continue;
    result.first_break = compare_chain(session, kafka, chain, timeout_ms, result.rows_compared);
    if (result.first_break) break;
  }
  return result;
}

}  // namespace ledger::queries
