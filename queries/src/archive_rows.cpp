#include "archive_rows.hpp"

#include "ledger/queries/archive_verify.hpp"

namespace ledger::queries {

std::string bytes_of(const pqxx::field& field) {
  const pqxx::binarystring blob(field);
  return std::string(reinterpret_cast<const char*>(blob.data()), blob.size());
}

std::vector<ArchiveRow> read_archive_page(ReadOnlySession& session, const std::string& topic,
                                          std::int32_t partition, std::int64_t offset_min,
                                          std::int64_t offset_max) {
  const pqxx::result result = session.exec(
      "SELECT kafka_offset, payload, chain_hash FROM event_archive "
      "WHERE kafka_topic = $1 AND kafka_partition = $2 AND kafka_offset >= $3 "
      "AND kafka_offset <= $4 ORDER BY kafka_offset LIMIT $5",
      {topic, std::to_string(partition), std::to_string(offset_min), std::to_string(offset_max),
       std::to_string(kVerifyPageRowsMax)});
  std::vector<ArchiveRow> rows;
  rows.reserve(result.size());
  for (const pqxx::row& row : result) {
    ArchiveRow out;
    out.offset = row[0].as<std::int64_t>();
    out.payload = bytes_of(row[1]);
    if (!row[2].is_null()) {
      events::ChainHash hash{};
      if (events::chain_from_bytes(bytes_of(row[2]), hash)) out.stored = hash;
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

}  // namespace ledger::queries
