// Cells and bulk writes shared by the books' table writers (books_write*.cpp): text cells for
// COPY (NULL as std::nullopt; amounts shown rounded once or exact; doubles in shortest
// round-trip text), a COPY of fixed-width rows that checks each row's width, and a DELETE of the
// current rows of a batch's keys. Internal to projector/books/src.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "books_extension.hpp"
#include "ledger/projector/row_text.hpp"
#include "ledger/projector/sql_text.hpp"

namespace ledger::projector::books_cells {

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;
using Columns = std::vector<std::string>;

// Text cells for COPY.
inline Cell text(std::string value) { return value; }
inline Cell opt_text(const std::string& value) { return nullable(value); }
inline Cell dec(Decimal value) { return value.to_string(); }
inline Cell dec(const std::optional<Decimal>& value) {
  if (!value) return std::nullopt;
  return value->to_string();
}
inline Cell shown(acc::Amount value) { return value.to_decimal().to_string(); }
inline Cell exact(acc::Amount value) { return value.to_string(); }
inline Cell num(std::int64_t value) { return std::to_string(value); }
inline Cell num(std::uint64_t value) { return std::to_string(value); }
inline Cell time(acc::TimeUs us) { return timestamp_text(us); }
inline Cell time(const std::optional<acc::TimeUs>& us) {
  if (!us) return std::nullopt;
  return timestamp_text(*us);
}
inline Cell interval(acc::TimeUs us) { return std::to_string(us) + " microseconds"; }
inline Cell interval(const std::optional<acc::TimeUs>& us) {
  if (!us) return std::nullopt;
  return interval(*us);
}
// Shortest text that reads back as the same double; NULL when undefined or not finite.
inline Cell stat(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return std::nullopt;
  return fmt::format("{}", *value);
}
inline Cell boolean(bool value) { return std::string(value ? "t" : "f"); }

// COPY of rows of N cells each (pqxx 6.4 streams tuples and std::arrays, not vectors).
template <std::size_t N>
void copy(pqxx::dbtransaction& tx, const char* table, const Columns& columns,
          const std::vector<Row>& rows) {
  if (rows.empty()) return;
  if (columns.size() != N) {
    throw std::logic_error(std::string("books: ") + table + ": " + std::to_string(columns.size()) +
                           " columns, expected " + std::to_string(N));
  }
  pqxx::stream_to stream(tx, table, columns);
  std::array<Cell, N> line;
  for (const Row& row : rows) {
    if (row.size() != N) {
      throw std::logic_error(std::string("books: ") + table + ": a row of " +
                             std::to_string(row.size()) + " cells, expected " + std::to_string(N));
    }
    std::copy(row.begin(), row.end(), line.begin());
    stream << line;
  }
  stream.complete();
}

// Deletes the rows of `table` whose (agent_id[, second]) is among `keys`.
inline void delete_keys(pqxx::dbtransaction& tx, const char* table, const char* second,
                        const std::vector<std::string>& agents,
                        const std::vector<std::string>& seconds) {
  if (agents.empty()) return;
  if (second == nullptr) {
    tx.exec_params(std::string("DELETE FROM ") + table + " WHERE agent_id = ANY($1::text[])",
                   text_array(agents));
    return;
  }
  tx.exec_params(std::string("DELETE FROM ") + table + " t USING unnest($1::text[], $2::text[]) " +
                     "AS k(agent_id, second) WHERE t.agent_id = k.agent_id AND t." + second +
                     " = k.second",
                 text_array(agents), text_array(seconds));
}

inline Cell outcome(acc::Amount net) {
  return text(net.is_positive() ? "win" : (net.is_negative() ? "loss" : "breakeven"));
}

}  // namespace ledger::projector::books_cells
