// Paging through one chain (topic, partition) of event_archive in offset order: shared by the
// chain walk (archive_verify.cpp) and the comparison with the topic (archive_against_kafka.cpp).
// Reads only; one page of at most kVerifyPageRowsMax rows at a time.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ledger/events/archive_chain.hpp"
#include "ledger/queries/read_only.hpp"

namespace ledger::queries {

struct ArchiveRow {
  std::int64_t offset = 0;
  std::string payload;
  std::optional<events::ChainHash> stored;  // nullopt: NULL (or not 32 bytes)
};

// The bytes of a bytea field.
std::string bytes_of(const pqxx::field& field);

// The rows with offset_min <= kafka_offset <= offset_max, in offset order, at most one page.
std::vector<ArchiveRow> read_archive_page(
    ReadOnlySession& session, const std::string& topic, std::int32_t partition,
    std::int64_t offset_min, std::int64_t offset_max = std::numeric_limits<std::int64_t>::max());

}  // namespace ledger::queries
