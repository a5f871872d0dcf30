// The chain hashes of one batch's archive rows (issue 15, tamper evidence; the hash itself is
// events::chain_hash, archive_chain.hpp). Owns: finding where each partition's chain stands and
// extending it over the batch's rows in log order.
//
// Why one chain per partition: every record, even an undecodable one with no agent, lies in
// exactly one partition, and the partition is the unit the projector fences (consumer_offsets)
// and commits by. So every archived row is on exactly one chain, rows join it in offset order
// inside the batch transaction that fences the partition, and a rebuild from the same log
// reproduces it. The previous hash is read in the batch's own transaction (the last row below
// the batch's first offset of the partition), so it survives restarts, rebalances and rebuilds
// (which copy archive rows, hashes included, before writing their own) without any cache.
//
// REQUIRES: `archive` in log order (per partition, offsets increasing), none of its rows already
// archived. Not thread-safe (the transaction).
#pragma once

#include <map>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/events/archive_chain.hpp"
#include "ledger/projector/decoded_event.hpp"

namespace ledger::projector {

// Per row of `archive` (same order), its chain hash. `seeds` (per partition) are tips known to
// be on the chain but maybe not visible in `tx` (a rebuild's archive copy, still running): the
// later of a seed and the last row found below the batch wins.
std::vector<events::ChainHash> chain_archive_rows(
    pqxx::dbtransaction& tx, std::string_view topic,
    const std::vector<const DecodedEvent*>& archive,
    const std::map<std::int32_t, events::ChainTip>& seeds);

// Per partition, the tip of `schema`'s chain below `below` (a rebuild's copy boundary).
std::map<std::int32_t, events::ChainTip> load_chain_tips(
    pqxx::connection& connection, const std::string& schema, std::string_view topic,
    const std::map<std::int32_t, std::int64_t>& below);

}  // namespace ledger::projector
