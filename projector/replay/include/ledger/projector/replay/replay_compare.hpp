// Row-for-row comparison of two schemas built by the same migrations (a live schema and its
// rebuild), used by `ledger replay --verify` and the replay tests.
//
// Every base table of `expected_schema` (partitioned parents included, partitions and
// schema_migrations excluded) is compared as a multiset of rows over its columns minus the wall
// clock ones (columns whose default calls now(): received_at, rejected_at, parked_at, ...).
// Differences are reported by key: the table's primary key (else its first unique
// constraint, else every compared column). Read-only; one REPEATABLE READ transaction, so both
// schemas are seen at one instant. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
}

namespace ledger::projector {

struct TableDifference {
  std::string table;
  std::int64_t missing = 0;  // rows of expected_schema not in actual_schema
  std::int64_t extra = 0;    // rows of actual_schema not in expected_schema
  // Up to `per_table_max` examples: "missing key (a, b)", "extra key (...)", "differs key (...)".
  std::vector<std::string> examples;
};

// A table compared only over its rows whose `time_column` is at or after `since` (timestamptz
// text): the rows a retention policy lets both schemas hold.
struct CompareWindow {
  std::string table;
  std::string time_column;
  std::string since;
};

// Empty result: the schemas are equal (over `windows` where given). Throws pqxx errors,
// std::runtime_error when a schema is missing or a table of expected_schema is absent from
// actual_schema.
std::vector<TableDifference> compare_schemas(pqxx::connection_base& connection,
                                             const std::string& expected_schema,
                                             const std::string& actual_schema,
                                             int per_table_max = 20,
                                             const std::vector<CompareWindow>& windows = {});

// One line per table ("orders: 2 missing, 1 extra; e.g. differs key (a-1, o-9)").
std::string describe_differences(const std::vector<TableDifference>& differences);

}  // namespace ledger::projector
