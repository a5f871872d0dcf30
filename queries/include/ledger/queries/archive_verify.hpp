// Verifying the archive's hash chains (`ledger audit verify`, `ledger audit checkpoint`).
// Owns: walking each (topic, partition) chain of event_archive in offset order, recomputing
// every row's hash with events::chain_hash (the projector's definition, archive_chain.hpp) and
// naming the first broken link; the checkpoint statement (per chain: count, last offset, head
// hash) and checking that the archive still extends one.
//
// Promises: a clean result means every row read has a hash equal to the recomputed one, each
// linked to the row before it on its chain, and every checkpoint given still holds (same head
// at the same offset, same count of rows up to it). Reads only (a ReadOnlySession); memory is
// bounded by one page of rows per chain (kVerifyPageRowsMax). Not thread-safe (the session).
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "ledger/queries/read_only.hpp"

namespace ledger::queries {

inline constexpr std::int64_t kVerifyPageRowsMax = 4096;

// One chain's state as a checkpoint states it (or as verify found it).
struct ChainHead {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t count = 0;  // rows on the chain up to and including last_offset
  std::int64_t last_offset = -1;
  std::string head_hex;  // chain hash of the row at last_offset (64 hex characters)
};

enum class BreakKind {
  kHashMismatch,        // the stored hash is not the recomputed one (cause not narrowed down)
  kPayloadChanged,      // the row's bytes changed: its hash no longer matches, the next row
                        // still links to its stored hash
  kStoredHashEdited,    // the row's bytes are intact but its stored hash was changed
  kMissingRow,          // a row before this one was removed (offsets absent, next link intact)
  kReordered,           // the row holds another row's payload (rows swapped or moved)
  kDuplicateRow,        // two rows at one offset
  kUnchained,           // no stored hash (archived before migration 0300, or cleared)
  kTruncated,           // the chain ends before a checkpoint's offset
  kCheckpointMismatch,  // at a checkpoint's offset, another head or another count
  kDiffersFromKafka,    // --against-kafka: the row's bytes are not the topic's record there
  kNotInKafka,          // --against-kafka: the topic has no record at the row's offset
};
const char* break_kind_name(BreakKind kind);

struct ChainBreak {
  BreakKind kind = BreakKind::kHashMismatch;
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string detail;  // human-readable
};

struct VerifyOptions {
  std::optional<std::string> agent;    // only the chains (partitions) that hold this agent's rows
  std::optional<std::string> since;    // timestamp: per chain, start at the first row with
                                       // occurred_at >= since, trusting the stored hash before it
  std::vector<ChainHead> checkpoints;  // statements the archive must still extend
};

struct VerifyResult {
  std::vector<ChainHead> chains;  // as found (heads of the rows read)
  std::int64_t rows_checked = 0;
  std::optional<ChainBreak> first_break;
  std::optional<std::int64_t> rows_compared_with_kafka;  // set when --against-kafka ran
};

VerifyResult verify_archive(ReadOnlySession& session, const VerifyOptions& options);

// The stored head of every chain (no recomputation: run verify for that).
std::vector<ChainHead> archive_heads(ReadOnlySession& session);

// One JSON line: {"time":"...","chains":[{"topic":..,"partition":..,"count":..,
// "last_offset":..,"head":".."}]}.
std::string checkpoint_json(const std::vector<ChainHead>& heads,
                            std::chrono::system_clock::time_point time);
// Every statement in a checkpoint file (one JSON line each, as appended by `audit checkpoint
// --output`). Throws std::runtime_error naming the line on a malformed one.
std::vector<ChainHead> read_checkpoints(std::istream& in);

void write_verify_result(const VerifyResult& result, std::ostream& out);

}  // namespace ledger::queries
