// chain_archive_rows: see archive_chain_rows.hpp.
#include "archive_chain_rows.hpp"

#include <map>
#include <stdexcept>
#include <string>

#include "ledger/projector/store.hpp"

namespace ledger::projector {
namespace {

using events::ChainTip;

// The hash of the partition's last archived row below `offset` (genesis when there is none; a
// row archived before migration 0300 has none either, and verify names it unchained).
ChainTip load_tip(pqxx::transaction_base& tx, const std::string& table, std::string_view topic,
                  std::int32_t partition, std::int64_t offset) {
  const pqxx::result result =
      tx.exec_params("SELECT kafka_offset, chain_hash FROM " + table +
                         " WHERE kafka_topic = $1 AND kafka_partition = $2 AND kafka_offset < $3 "
                         "ORDER BY kafka_offset DESC LIMIT 1",
                     std::string(topic), partition, offset);
  ChainTip tip;
  if (result.empty()) return tip;
  tip.offset = result[0][0].as<std::int64_t>();
  if (!result[0][1].is_null()) {
    const pqxx::binarystring bytes(result[0][1]);
    events::chain_from_bytes(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), tip.hash);
  }
  return tip;
}

}  // namespace

std::map<std::int32_t, ChainTip> load_chain_tips(
    pqxx::connection& connection, const std::string& schema, std::string_view topic,
    const std::map<std::int32_t, std::int64_t>& below) {
  pqxx::read_transaction tx(connection);
  const std::string table = tx.quote_name(schema) + ".event_archive";
  std::map<std::int32_t, ChainTip> tips;
  for (const auto& [partition, offset] : below) {
    tips[partition] = load_tip(tx, table, topic, partition, offset);
  }
  return tips;
}

std::vector<events::ChainHash> chain_archive_rows(pqxx::dbtransaction& tx, std::string_view topic,
                                                  const std::vector<const DecodedEvent*>& archive,
                                                  const std::map<std::int32_t, ChainTip>& seeds) {
  std::map<std::int32_t, ChainTip> tips;
  std::vector<events::ChainHash> hashes;
  hashes.reserve(archive.size());
  for (const DecodedEvent* event : archive) {
    const Record& record = event->record;
    auto tip = tips.find(record.partition);
    if (tip == tips.end()) {
      ChainTip found = load_tip(tx, "event_archive", topic, record.partition, record.offset);
      const auto seed = seeds.find(record.partition);
      if (seed != seeds.end() && seed->second.offset > found.offset &&
          seed->second.offset < record.offset) {
        found = seed->second;
      }
      tip = tips.emplace(record.partition, found).first;
    }
    if (record.offset <= tip->second.offset) {
      throw std::logic_error("archive chain: partition " + std::to_string(record.partition) +
                             " offset " + std::to_string(record.offset) +
                             " is not after the chain's tip " + std::to_string(tip->second.offset));
    }
    tip->second.hash =
        events::chain_hash(tip->second.hash, record.value, topic, record.partition, record.offset);
    tip->second.offset = record.offset;
    hashes.push_back(tip->second.hash);
  }
  return hashes;
}

void Store::seed_chain_from(const std::string& schema,
                            const std::map<std::int32_t, std::int64_t>& below) {
  chain_seeds_ = load_chain_tips(*connection_, schema, options_.kafka.topic, below);
}

}  // namespace ledger::projector
