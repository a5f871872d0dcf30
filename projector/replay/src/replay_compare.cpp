#include "ledger/projector/replay/replay_compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <pqxx/pqxx>
#include <set>
#include <stdexcept>

namespace ledger::projector {
namespace {

struct TableShape {
  std::vector<std::string> columns;  // compared, as SQL expressions over quoted names
  std::vector<std::string> key;      // key expressions (subset of columns)
};

std::vector<std::string> base_tables(pqxx::dbtransaction& tx, const std::string& schema) {
  std::vector<std::string> tables;
  for (const pqxx::row& row : tx.exec_params(
           "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
           "AND c.relname <> 'schema_migrations' ORDER BY c.relname",
           schema)) {
    tables.emplace_back(row[0].c_str());
  }
  return tables;
}

TableShape shape_of(pqxx::dbtransaction& tx, const std::string& qualified) {
  TableShape shape;
  std::set<std::string> compared;
  for (const pqxx::row& row :
       tx.exec_params("SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
                      "       coalesce(pg_get_expr(d.adbin, d.adrelid), '') "
                      "  FROM pg_attribute a LEFT JOIN pg_attrdef d "
                      "    ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                      " WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped "
                      " ORDER BY a.attnum",
                      qualified)) {
    const std::string name = row[0].c_str();
    const std::string type = row[1].c_str();
    const std::string default_expr = row[2].c_str();
    if (default_expr.find("now()") != std::string::npos) continue;  // wall clock
    compared.insert(name);
    const std::string quoted = tx.quote_name(name);
    shape.columns.push_back(type == "json" ? quoted + "::text" : quoted);
  }
  const pqxx::result key = tx.exec_params(
      "SELECT a.attname FROM pg_index i "
      "  CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
      "  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
      " WHERE i.indexrelid = (SELECT i2.indexrelid FROM pg_index i2 "
      "                        WHERE i2.indrelid = $1::regclass "
      "                          AND (i2.indisprimary OR i2.indisunique) "
      "                        ORDER BY i2.indisprimary DESC, i2.indexrelid LIMIT 1) "
      " ORDER BY k.ord",
      qualified);
  for (const pqxx::row& row : key) {
    if (compared.count(row[0].c_str()) != 0) shape.key.push_back(tx.quote_name(row[0].c_str()));
  }
  if (shape.key.empty()) shape.key = shape.columns;
  return shape;
}

std::vector<std::string> example_keys(pqxx::dbtransaction& tx, const std::string& diff_sql,
                                      const std::string& key_list, int limit) {
  std::vector<std::string> keys;
  for (const pqxx::row& row : tx.exec("SELECT (" + key_list + ")::text FROM (" + diff_sql +
                                      ") d ORDER BY 1 LIMIT " + std::to_string(limit))) {
    keys.emplace_back(row[0].c_str());
  }
  return keys;
}

TableDifference compare_table(pqxx::dbtransaction& tx, const std::string& expected,
                              const std::string& actual, const std::string& table,
                              int per_table_max, const CompareWindow* window) {
  const std::string where = window == nullptr
                                ? std::string()
                                : " WHERE " + tx.quote_name(window->time_column) +
                                      " >= " + tx.quote(window->since) + "::timestamptz";
  const std::string expected_rows = tx.quote_name(expected) + "." + tx.quote_name(table) + where;
  const std::string actual_rows = tx.quote_name(actual) + "." + tx.quote_name(table) + where;
  const TableShape shape = shape_of(tx, tx.quote_name(expected) + "." + tx.quote_name(table));
  const std::string columns = fmt::format("{}", fmt::join(shape.columns, ", "));
  const std::string key_list = "ROW(" + fmt::format("{}", fmt::join(shape.key, ", ")) + ")";
  // Column names for the key inside the EXCEPT result (json columns are compared as text).
  const std::string missing_sql = "SELECT " + columns + " FROM " + expected_rows +
                                  " EXCEPT ALL SELECT " + columns + " FROM " + actual_rows;
  const std::string extra_sql = "SELECT " + columns + " FROM " + actual_rows +
                                " EXCEPT ALL SELECT " + columns + " FROM " + expected_rows;
  TableDifference difference;
  difference.table = table;
  const pqxx::row counts = tx.exec1("SELECT (SELECT count(*) FROM (" + missing_sql +
                                    ") m), (SELECT count(*) FROM (" + extra_sql + ") x)");
  difference.missing = counts[0].as<std::int64_t>();
  difference.extra = counts[1].as<std::int64_t>();
  if (difference.missing == 0 && difference.extra == 0) return difference;
  const auto missing = example_keys(tx, missing_sql, key_list, per_table_max);
  const auto extra = example_keys(tx, extra_sql, key_list, per_table_max);
  for (const std::string& key : missing) {
    const bool both = std::find(extra.begin(), extra.end(), key) != extra.end();
    difference.examples.push_back((both ? "differs key " : "missing key ") + key);
  }
  for (const std::string& key : extra) {
    if (std::find(missing.begin(), missing.end(), key) == missing.end()) {
      difference.examples.push_back("extra key " + key);
    }
  }
  if (difference.examples.size() > static_cast<std::size_t>(per_table_max)) {
    difference.examples.resize(static_cast<std::size_t>(per_table_max));
  }
  return difference;
}

}  // namespace

std::vector<TableDifference> compare_schemas(pqxx::connection_base& connection,
                                             const std::string& expected_schema,
                                             const std::string& actual_schema, int per_table_max,
                                             const std::vector<CompareWindow>& windows) {
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(connection, "replay compare");
  const std::vector<std::string> expected_tables = base_tables(tx, expected_schema);
  if (expected_tables.empty()) {
    throw std::runtime_error("schema '" + expected_schema + "' has no tables");
  }
  const std::vector<std::string> actual_tables = base_tables(tx, actual_schema);
  std::vector<TableDifference> differences;
  for (const std::string& table : expected_tables) {
    if (std::find(actual_tables.begin(), actual_tables.end(), table) == actual_tables.end()) {
      throw std::runtime_error("table " + table + " is missing from schema '" + actual_schema +
                               "'");
    }
    const auto window = std::find_if(windows.begin(), windows.end(),
                                     [&](const CompareWindow& w) { return w.table == table; });
    TableDifference difference =
        compare_table(tx, expected_schema, actual_schema, table, per_table_max,
                      window == windows.end() ? nullptr : &*window);
    if (difference.missing != 0 || difference.extra != 0) {
      differences.push_back(std::move(difference));
    }
  }
  return differences;
}

std::string describe_differences(const std::vector<TableDifference>& differences) {
  std::string out;
  for (const TableDifference& d : differences) {
    out += fmt::format("{}: {} missing from the rebuild, {} extra in the rebuild\n", d.table,
                       d.missing, d.extra);
    for (const std::string& example : d.examples) out += "    " + example + "\n";
  }
  return out;
}

}  // namespace ledger::projector
