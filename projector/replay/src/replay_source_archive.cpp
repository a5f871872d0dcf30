// The archive side of `ledger replay`: event_archive rows of one topic in (partition, offset)
// order through a server-side cursor, so memory stays bounded by one batch.
#include <pqxx/pqxx>
#include <stdexcept>

#include "ledger/projector/sql_text.hpp"
#include "replay_source.hpp"

namespace ledger::projector {
namespace {

class ArchiveSource : public ReplayLogSource {
 public:
  ArchiveSource(const ProjectorOptions& options, std::string archive_schema)
      : options_(options), schema_(std::move(archive_schema)) {
    connection_ = std::make_unique<pqxx::connection>(options.db_uri);
  }

  OffsetMap end_offsets() override {
    OffsetMap ends;
    pqxx::read_transaction tx(*connection_);
    for (const pqxx::row& row :
         tx.exec_params("SELECT kafka_partition, max(kafka_offset) + 1 FROM " + table(tx) +
                            " WHERE kafka_topic = $1 GROUP BY kafka_partition ORDER BY 1",
                        options_.kafka.topic)) {
      ends[row[0].as<std::int32_t>()] = row[1].as<std::int64_t>();
    }
    return ends;
  }

  void start(const OffsetMap& from, const OffsetMap& to) override {
    tx_.reset();
    tx_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(
        *connection_, "replay archive");
    std::vector<std::int64_t> partitions;
    std::vector<std::int64_t> begins;
    std::vector<std::int64_t> ends;
    for (const auto& [partition, end] : to) {
      const auto found = from.find(partition);
      partitions.push_back(partition);
      begins.push_back(found == from.end() ? 0 : found->second);
      ends.push_back(end);
    }
    // The arrays are numbers this code produced; the topic is quoted by libpq.
    tx_->exec0(
        "DECLARE replay_archive NO SCROLL CURSOR FOR "
        "SELECT a.kafka_partition, a.kafka_offset, coalesce(a.agent_id, ''), a.payload, "
        "       (extract(epoch FROM a.occurred_at) * 1000)::bigint "
        "  FROM " +
        table(*tx_) +
        " a "
        "  JOIN unnest('" +
        int_array(partitions) + "'::int[], '" + int_array(begins) + "'::bigint[], '" +
        int_array(ends) +
        "'::bigint[]) AS r(p, lo, hi) "
        "    ON a.kafka_partition = r.p AND a.kafka_offset >= r.lo AND a.kafka_offset < r.hi "
        " WHERE a.kafka_topic = " +
        tx_->quote(options_.kafka.topic) + " ORDER BY a.kafka_partition, a.kafka_offset");
    finished_ = false;
  }

  bool next_batch(std::vector<Record>& records, std::size_t events_max,
                  const std::atomic<bool>& stop) override {
    records.clear();
    keys_.clear();
    values_.clear();
    if (finished_ || stop.load()) return false;
    const pqxx::result rows =
        tx_->exec("FETCH FORWARD " + std::to_string(events_max) + " FROM replay_archive");
    keys_.reserve(rows.size());
    values_.reserve(rows.size());  // no reallocation: Records point into these strings
    for (const pqxx::row& row : rows) {
      keys_.emplace_back(row[2].c_str(), row[2].size());
      const pqxx::binarystring payload(row[3]);
      values_.emplace_back(payload.str());
      Record record;
      record.partition = row[0].as<std::int32_t>();
      record.offset = row[1].as<std::int64_t>();
      record.key = keys_.back();
      record.value = values_.back();
      record.timestamp_ms = row[4].as<std::int64_t>();
      records.push_back(record);
    }
    if (rows.size() < events_max) {
      finished_ = true;
      tx_->commit();
      tx_.reset();
    }
    return !records.empty();
  }

 private:
  std::string table(pqxx::transaction_base& tx) const {
    return tx.quote_name(schema_) + ".event_archive";
  }

  ProjectorOptions options_;
  std::string schema_;
  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>> tx_;
  std::vector<std::string> keys_;
  std::vector<std::string> values_;
  bool finished_ = true;
};

}  // namespace

std::unique_ptr<ReplayLogSource> make_archive_source(const ProjectorOptions& options,
                                                     const std::string& archive_schema) {
  return std::make_unique<ArchiveSource>(options, archive_schema);
}

}  // namespace ledger::projector
