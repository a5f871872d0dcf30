// ResultTable: a query result as plain text cells with a kind per column, and its three output
// formats: an aligned text table, JSON (an array of objects) and CSV (RFC 4180).
//
// Exactness: NUMERIC values stay decimal strings everywhere (JSON too: "123.45000000"), never
// binary floating point. JSON: integers and booleans as JSON numbers and booleans, json/jsonb
// cells embedded as JSON, NULL as null. Plain data; pure functions; thread-safe.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pqxx {
class result;
}

namespace ledger::queries {

enum class CellKind { kText, kInteger, kDecimal, kBoolean, kJson };

struct ResultTable {
  std::vector<std::string> columns;
  std::vector<CellKind> kinds;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt: NULL
};

enum class OutputFormat { kTable, kJson, kCsv };

ResultTable to_table(const pqxx::result& result);

// Columns padded to their widest cell, numbers right-aligned, NULL shown as empty; newlines and
// tabs inside cells shown as "\n" and "\t" so each row stays one line. Ends with "(N rows)".
void write_text_table(const ResultTable& table, std::ostream& out);
void write_json(const ResultTable& table, std::ostream& out);
void write_csv(const ResultTable& table, std::ostream& out);
void write_result(const ResultTable& table, OutputFormat format, std::ostream& out);

}  // namespace ledger::queries
