// Database helpers shared by the pipeline tests and benchmarks: migrating a schema and reading
// what a projector committed. Every function opens its own connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ledger::testing {

// Applies every migration to `schema` of the database at `uri`; throws std::runtime_error.
void migrate_schema(const std::string& uri, const std::string& schema);

// Sum of next_offset in <schema>.consumer_offsets for `group` (0 without rows); nullopt while
// PostgreSQL cannot be reached (connection lost, server starting or shutting down). Other
// errors are thrown.
std::optional<std::int64_t> committed_sum(const std::string& uri, const std::string& schema,
                                          const std::string& group);

}  // namespace ledger::testing
