// verify_archive: recomputes each (topic, partition) chain of event_archive in offset order and
// names the first broken link (archive_verify.hpp). One page of rows per chain at a time.
#include "ledger/queries/archive_verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "archive_rows.hpp"
#include "ledger/events/archive_chain.hpp"

namespace ledger::queries {
namespace {

using events::ChainHash;

struct Chain {
  std::string topic;
  std::int32_t partition = 0;
};

std::vector<ArchiveRow> read_page(ReadOnlySession& session, const Chain& chain,
                                  std::int64_t offset_min) {
  return read_archive_page(session, chain.topic, chain.partition, offset_min);
}

std::vector<Chain> list_chains(ReadOnlySession& session, const VerifyOptions& options) {
  const pqxx::result result = session.exec(
      "SELECT DISTINCT kafka_topic, kafka_partition FROM event_archive "
      "WHERE $1::text IS NULL OR agent_id = $1 ORDER BY 1, 2",
      {options.agent});
  std::vector<Chain> chains;
  for (const pqxx::row& row : result) {
    chains.push_back(Chain{row[0].c_str(), row[1].as<std::int32_t>()});
  }
  if (options.agent) return chains;
  for (const ChainHead& checkpoint : options.checkpoints) {  // chains removed entirely
    bool known = false;
    for (const Chain& chain : chains) {
      known = known || (chain.topic == checkpoint.topic && chain.partition == checkpoint.partition);
    }
    if (!known) chains.push_back(Chain{checkpoint.topic, checkpoint.partition});
  }
  return chains;
}

// Where a --since walk starts: the first offset at or after `since`, the stored hash before it
// and the count of rows before it. nullopt when the chain has no row since then.
struct Start {
  std::int64_t offset = 0;
  ChainHash previous = events::chain_genesis();
  std::int64_t count_before = 0;
  std::int64_t previous_offset = -1;
};

std::optional<Start> since_start(ReadOnlySession& session, const Chain& chain,
                                 const std::string& since) {
  const pqxx::result first = session.exec(
      "SELECT min(kafka_offset) FROM event_archive WHERE kafka_topic = $1 "
      "AND kafka_partition = $2 AND occurred_at >= $3::timestamptz",
      {chain.topic, std::to_string(chain.partition), since});
  if (first.empty() || first[0][0].is_null()) return std::nullopt;
  Start start;
  start.offset = first[0][0].as<std::int64_t>();
  const pqxx::result before = session.exec(
      "SELECT count(*), max(kafka_offset), (SELECT chain_hash FROM event_archive WHERE "
      "kafka_topic = $1 AND kafka_partition = $2 AND kafka_offset < $3 ORDER BY kafka_offset "
      "DESC LIMIT 1) FROM event_archive WHERE kafka_topic = $1 AND kafka_partition = $2 AND "
      "kafka_offset < $3",
      {chain.topic, std::to_string(chain.partition), std::to_string(start.offset)});
  start.count_before = before[0][0].as<std::int64_t>();
  if (!before[0][1].is_null()) start.previous_offset = before[0][1].as<std::int64_t>();
  if (!before[0][2].is_null()) events::chain_from_bytes(bytes_of(before[0][2]), start.previous);
  return start;
}

struct Walk {
  Chain chain;
  ChainHash previous = events::chain_genesis();
  std::int64_t previous_offset = -1;
  std::int64_t count = 0;
  std::vector<ChainHead> expected;  // this chain's checkpoints, by offset
  std::size_t expected_next = 0;
};

ChainHash hash_of(const Walk& walk, const ChainHash& previous, const ArchiveRow& row) {
  return events::chain_hash(previous, row.payload, walk.chain.topic, walk.chain.partition,
                            row.offset);
}

ChainBreak make_break(const Walk& walk, BreakKind kind, std::int64_t offset, std::string detail) {
  return ChainBreak{kind, walk.chain.topic, walk.chain.partition, offset, std::move(detail)};
}

// The row after page[index]: from the page, else read.
std::optional<ArchiveRow> next_row(ReadOnlySession& session, const Walk& walk,
                                   const std::vector<ArchiveRow>& page, std::size_t index) {
  if (index + 1 < page.size()) return page[index + 1];
  std::vector<ArchiveRow> rest = read_page(session, walk.chain, page[index].offset + 1);
  if (rest.empty()) return std::nullopt;
  return rest.front();
}

// Names what broke at page[index], whose stored hash is not the recomputed one.
ChainBreak classify(ReadOnlySession& session, const Walk& walk, const std::vector<ArchiveRow>& page,
                    std::size_t index) {
  const ArchiveRow& row = page[index];
  const ChainHash computed = hash_of(walk, walk.previous, row);
  for (const ArchiveRow& other : page) {  // another row's payload hashes to this link
    if (other.offset == row.offset) continue;
    ArchiveRow moved = other;
    moved.offset = row.offset;
    if (hash_of(walk, walk.previous, moved) == *row.stored) {
      return make_break(walk, BreakKind::kReordered, row.offset,
                        fmt::format("holds another row's payload; the payload chained here "
                                    "is at offset {} (rows swapped or moved)",
                                    other.offset));
    }
  }
  const std::optional<ArchiveRow> next = next_row(session, walk, page, index);
  const bool gap = row.offset > walk.previous_offset + 1;
  if (next && next->stored && hash_of(walk, *row.stored, *next) == *next->stored) {
    if (gap) {
      return make_break(walk, BreakKind::kMissingRow, row.offset,
                        fmt::format("the row before it is not the one it was chained to: "
                                    "offsets {}..{} absent (a row was deleted)",
                                    walk.previous_offset + 1, row.offset - 1));
    }
    return make_break(walk, BreakKind::kPayloadChanged, row.offset,
                      "its bytes no longer match its hash (the next row still links to it)");
  }
  if (next && next->stored && hash_of(walk, computed, *next) == *next->stored) {
    return make_break(walk, BreakKind::kStoredHashEdited, row.offset,
                      fmt::format("stored hash {} edited; the chain says {}",
                                  events::chain_hex(*row.stored), events::chain_hex(computed)));
  }
  return make_break(walk, BreakKind::kHashMismatch, row.offset,
                    fmt::format("stored {} recomputed {}", events::chain_hex(*row.stored),
                                events::chain_hex(computed)));
}

// Checkpoints this row passes: one at an offset below it that no row had, or at its offset.
std::optional<ChainBreak> check_expected(Walk& walk, std::int64_t offset, bool at_row) {
  while (walk.expected_next < walk.expected.size()) {
    const ChainHead& expected = walk.expected[walk.expected_next];
    if (expected.last_offset > offset) return std::nullopt;
    if (expected.last_offset < offset || !at_row) {
      return make_break(
          walk, BreakKind::kMissingRow, expected.last_offset,
          fmt::format("the checkpoint's head (row {} of the chain) is gone", expected.count));
    }
    ++walk.expected_next;
    const std::string head = events::chain_hex(walk.previous);
    if (expected.count != walk.count || expected.head_hex != head) {
      return make_break(walk, BreakKind::kCheckpointMismatch, offset,
                        fmt::format("checkpoint: row {} with head {}; archive: row {} with {}",
                                    expected.count, expected.head_hex, walk.count, head));
    }
  }
  return std::nullopt;
}

// One row: its link, then the checkpoints at it.
std::optional<ChainBreak> check_row(ReadOnlySession& session, Walk& walk,
                                    const std::vector<ArchiveRow>& page, std::size_t index) {
  const ArchiveRow& row = page[index];
  if (row.offset == walk.previous_offset) {
    return make_break(walk, BreakKind::kDuplicateRow, row.offset, "two rows at this offset");
  }
  if (auto missing = check_expected(walk, row.offset - 1, false)) return missing;
  if (!row.stored) {
    return make_break(walk, BreakKind::kUnchained, row.offset, "no chain hash stored");
  }
  if (hash_of(walk, walk.previous, row) != *row.stored) {
    return classify(session, walk, page, index);
  }
  walk.previous = *row.stored;
  walk.previous_offset = row.offset;
  ++walk.count;
  return check_expected(walk, row.offset, true);
}

std::optional<ChainBreak> walk_chain(ReadOnlySession& session, Walk& walk, std::int64_t start,
                                     std::int64_t& rows_checked) {
  std::int64_t offset_min = start;
  while (true) {
    const std::vector<ArchiveRow> page = read_page(session, walk.chain, offset_min);
    if (page.empty()) break;
    for (std::size_t i = 0; i < page.size(); ++i) {
      ++rows_checked;
      if (auto broken = check_row(session, walk, page, i)) return broken;
    }
    offset_min = page.back().offset + 1;
  }
  if (walk.expected_next < walk.expected.size()) {
    const ChainHead& expected = walk.expected[walk.expected_next];
    return make_break(
        walk, BreakKind::kTruncated, walk.previous_offset + 1,
        fmt::format("the chain ends at offset {} after {} rows; the checkpoint "
                    "has {} rows up to offset {}",
                    walk.previous_offset, walk.count, expected.count, expected.last_offset));
  }
  return std::nullopt;
}

Walk make_walk(const Chain& chain, const VerifyOptions& options) {
  Walk walk;
  walk.chain = chain;
  for (const ChainHead& head : options.checkpoints) {
    if (head.topic == chain.topic && head.partition == chain.partition) {
      walk.expected.push_back(head);
    }
  }
  std::sort(walk.expected.begin(), walk.expected.end(),
            [](const ChainHead& a, const ChainHead& b) { return a.last_offset < b.last_offset; });
  return walk;
}

}  // namespace

VerifyResult verify_archive(ReadOnlySession& session, const VerifyOptions& options) {
  VerifyResult result;
  for (const Chain& chain : list_chains(session, options)) {
    Walk walk = make_walk(chain, options);
    std::int64_t start = 0;
    if (options.since) {
      const std::optional<Start> from = since_start(session, chain, *options.since);
      if (!from) continue;
      start = from->offset;
      walk.previous = from->previous;
      walk.previous_offset = from->previous_offset;
      walk.count = from->count_before;
      while (walk.expected_next < walk.expected.size() &&
             walk.expected[walk.expected_next].last_offset < start) {
        ++walk.expected_next;  // before --since: not checked
      }
    }
    result.first_break = walk_chain(session, walk, start, result.rows_checked);
    result.chains.push_back(ChainHead{chain.topic, chain.partition, walk.count,
                                      walk.previous_offset, events::chain_hex(walk.previous)});
    if (result.first_break) break;
  }
  return result;
}

}  // namespace ledger::queries
