// Checkpoints of the archive's hash chains (archive_verify.hpp): the stored heads, their JSON
// statement and reading it back, and the text report of `ledger audit verify`.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>

#include "ledger/events/archive_chain.hpp"
#include "ledger/queries/archive_verify.hpp"

namespace ledger::queries {

const char* break_kind_name(BreakKind kind) {
  switch (kind) {
    case BreakKind::kHashMismatch:
      return "hash_mismatch";
    case BreakKind::kPayloadChanged:
      return "payload_changed";
    case BreakKind::kStoredHashEdited:
      return "stored_hash_edited";
    case BreakKind::kMissingRow:
      return "missing_row";
    case BreakKind::kReordered:
      return "reordered";
    case BreakKind::kDuplicateRow:
      return "duplicate_row";
    case BreakKind::kUnchained:
      return "unchained";
    case BreakKind::kTruncated:
      return "truncated";
    case BreakKind::kCheckpointMismatch:
      return "checkpoint_mismatch";
    case BreakKind::kDiffersFromKafka:
      return "differs_from_kafka";
    case BreakKind::kNotInKafka:
      return "not_in_kafka";
  }
  return "unknown";
}

std::vector<ChainHead> archive_heads(ReadOnlySession& session) {
  const pqxx::result result = session.exec(
      "SELECT a.kafka_topic, a.kafka_partition, a.n, a.last, "
      "  (SELECT encode(chain_hash, 'hex') FROM event_archive e WHERE e.kafka_topic = "
      "   a.kafka_topic AND e.kafka_partition = a.kafka_partition AND e.kafka_offset = a.last "
      "   LIMIT 1) "
      "FROM (SELECT kafka_topic, kafka_partition, count(*) AS n, max(kafka_offset) AS last "
      "      FROM event_archive GROUP BY 1, 2) a ORDER BY 1, 2",
      {});
  std::vector<ChainHead> heads;
  for (const pqxx::row& row : result) {
    heads.push_back(ChainHead{row[0].c_str(), row[1].as<std::int32_t>(), row[2].as<std::int64_t>(),
                              row[3].as<std::int64_t>(),
                              row[4].is_null() ? std::string() : row[4].c_str()});
  }
  return heads;
}

std::string checkpoint_json(const std::vector<ChainHead>& heads,
                            std::chrono::system_clock::time_point time) {
  nlohmann::json chains = nlohmann::json::array();
  for (const ChainHead& head : heads) {
    chains.push_back({{"topic", head.topic},
                      {"partition", head.partition},
                      {"count", head.count},
                      {"last_offset", head.last_offset},
                      {"head", head.head_hex}});
  }
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  nlohmann::json statement = {{"time", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm)},
                              {"chains", chains}};
  return statement.dump();
}

std::vector<ChainHead> read_checkpoints(std::istream& in) {
  std::vector<ChainHead> heads;
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const nlohmann::json statement = nlohmann::json::parse(line);
      for (const nlohmann::json& chain : statement.at("chains")) {
        heads.push_back(ChainHead{
            chain.at("topic").get<std::string>(), chain.at("partition").get<std::int32_t>(),
            chain.at("count").get<std::int64_t>(), chain.at("last_offset").get<std::int64_t>(),
            chain.at("head").get<std::string>()});
      }
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(fmt::format("checkpoint line {}: {}", line_number, e.what()));
    }
  }
  return heads;
}

void write_verify_result(const VerifyResult& result, std::ostream& out) {
  if (result.first_break) {
    const ChainBreak& broken = *result.first_break;
    out << fmt::format("BROKEN {} topic={} partition={} offset={}: {}\n",
                       break_kind_name(broken.kind), broken.topic, broken.partition, broken.offset,
                       broken.detail);
  } else {
    out << fmt::format("clean: {} chains, {} rows verified", result.chains.size(),
                       result.rows_checked);
    if (result.rows_compared_with_kafka) {
      out << fmt::format(", {} rows equal to the topic's records",
                         *result.rows_compared_with_kafka);
    }
    out << '\n';
  }
  for (const ChainHead& chain : result.chains) {
    out << fmt::format("  {}/{}: {} rows, last offset {}, head {}\n", chain.topic, chain.partition,
                       chain.count, chain.last_offset, chain.head_hex);
  }
}

}  // namespace ledger::queries
