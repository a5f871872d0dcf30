// The archive's hash chain (issue 15, tamper evidence). Owns: the one definition of a chained
// archive row's hash, used by the projector when it writes event_archive and by `ledger audit
// verify` when it recomputes the chain. Pure and thread-safe (no state; OpenSSL's EVP SHA-256).
//
// One chain per Kafka (topic, partition). Every record, decodable or not, with or without an
// agent, lies in exactly one partition; the partition is the unit the projector fences and
// commits offsets by, and its records are archived in offset order inside the batch
// transaction. So every archived row is on exactly one chain, the chain order is the offset
// order, and a rebuild from the same log reproduces the same chain. Offsets may have gaps
// (transaction markers, compaction): the chain links consecutive archived rows, and since the
// coordinates are hashed, a deleted row breaks the next link.
//
//   hash = SHA-256(previous_hash (32 bytes; 32 zero bytes for a partition's first row)
//                  || u64 big-endian payload length || payload (the Kafka value, byte for byte)
//                  || u32 big-endian topic length || topic
//                  || i32 big-endian partition || i64 big-endian offset)
// Lengths are prefixed so no two different inputs share bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ledger::events {

inline constexpr std::size_t kChainHashBytes = 32;
using ChainHash = std::array<unsigned char, kChainHashBytes>;

// Where a chain stands: the hash of its last row and that row's offset (-1: no row yet).
struct ChainTip {
  ChainHash hash{};
  std::int64_t offset = -1;
};

// The hash before a partition's first row: 32 zero bytes.
ChainHash chain_genesis();

// The hash of one archived row on its partition's chain. Throws std::runtime_error only when
// OpenSSL itself fails.
ChainHash chain_hash(const ChainHash& previous, std::string_view payload, std::string_view topic,
                     std::int32_t partition, std::int64_t offset);

// Lower-case hex (64 characters).
std::string chain_hex(const ChainHash& hash);

// The hash from a 32-byte string (a bytea column's bytes); false when the size is wrong.
bool chain_from_bytes(std::string_view bytes, ChainHash& out);

}  // namespace ledger::events
