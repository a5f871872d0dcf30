// The schema side of `ledger replay` (projector/src only): creating the rebuild schema, the
// atomic swap, dropping a schema with its pg_partman configuration, reading a schema's offsets.
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "replay_source.hpp"

namespace ledger::projector::replay_schema {

bool schema_exists(pqxx::connection& connection, const std::string& schema);
// Applies every migration to the new schema `target`. Throws std::runtime_error when `target`
// exists already or a migration fails.
void create_target(pqxx::connection& connection, const std::string& target);
// The next offsets `group` stored in `schema` for `topic`.
OffsetMap committed_offsets(pqxx::connection& connection, const std::string& schema,
                            const std::string& group, const std::string& topic);
// ONE transaction: lock <live>.consumer_offsets (waits for the live projector's batch in flight
// and holds its next one, at most lock_timeout_ms), give every other consumer group of the live
// schema the rebuild's offsets, rename live -> old and target -> live (pg_partman configuration
// follows). Returns the transaction's duration in ms.
double swap(pqxx::connection& connection, const std::string& live, const std::string& target,
            const std::string& old, const std::string& group, int lock_timeout_ms);
// forget_history_schema + DROP SCHEMA ... CASCADE, in one transaction.
void drop(pqxx::connection& connection, const std::string& schema);

}  // namespace ledger::projector::replay_schema
