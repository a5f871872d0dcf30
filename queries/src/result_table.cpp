#include "ledger/queries/result_table.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace ledger::queries {
namespace {

// PostgreSQL type OIDs (pg_type.h), stable across versions.
CellKind kind_of(pqxx::oid type) {
  switch (type) {
    case 20:  // int8
    case 21:  // int2
    case 23:  // int4
      return CellKind::kInteger;
    case 700:   // float4
    case 701:   // float8
    case 1700:  // numeric
      return CellKind::kDecimal;
    case 16:  // bool
      return CellKind::kBoolean;
    case 114:   // json
    case 3802:  // jsonb
      return CellKind::kJson;
    default:
      return CellKind::kText;
  }
}

bool right_aligned(CellKind kind) {
  return kind == CellKind::kInteger || kind == CellKind::kDecimal;
}

// One line per cell: control characters shown escaped.
std::string printable(const std::string& cell) {
  std::string out;
  out.reserve(cell.size());
  for (const char c : cell) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Display width in code points (UTF-8 continuation bytes do not count).
std::size_t width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void pad(std::ostream& out, const std::string& text, std::size_t column_width, bool right) {
  const std::size_t fill = column_width > width(text) ? column_width - width(text) : 0;
  if (right)
    out << std::string(fill, ' ') << text;
  else
    out << text << std::string(fill, ' ');
}

std::string csv_cell(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (const char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

ResultTable to_table(const pqxx::result& result) {
  ResultTable table;
  const auto columns = static_cast<std::size_t>(result.columns());
  for (pqxx::row::size_type c = 0; c < result.columns(); ++c) {
    table.columns.emplace_back(result.column_name(c));
    table.kinds.push_back(kind_of(result.column_type(c)));
  }
  table.rows.reserve(result.size());
  for (const pqxx::row& row : result) {
    std::vector<std::optional<std::string>> cells;
    cells.reserve(columns);
    for (const pqxx::field& field : row) {
      if (field.is_null())
        cells.emplace_back(std::nullopt);
      else
        cells.emplace_back(std::string(field.c_str(), field.size()));
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

void write_text_table(const ResultTable& table, std::ostream& out) {
  const std::size_t columns = table.columns.size();
  std::vector<std::size_t> widths(columns, 0);
  std::vector<std::vector<std::string>> shown;
  for (std::size_t c = 0; c < columns; ++c) widths[c] = width(table.columns[c]);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (std::size_t c = 0; c < columns; ++c) {
      cells.push_back(row[c] ? printable(*row[c]) : std::string());
      widths[c] = std::max(widths[c], width(cells.back()));
    }
    shown.push_back(std::move(cells));
  }
  const auto line = [&](const std::vector<std::string>& cells, bool header) {
    for (std::size_t c = 0; c < columns; ++c) {
      if (c != 0) out << "  ";
      const bool last = c + 1 == columns;
      const bool right = !header && right_aligned(table.kinds[c]);
      if (last && !right)
        out << cells[c];
      else
        pad(out, cells[c], widths[c], right);
    }
    out << '\n';
  };
  line(table.columns, true);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < columns; ++c) rule.emplace_back(widths[c], '-');
  line(rule, true);
  for (const auto& cells : shown) line(cells, false);
  out << '(' << table.rows.size() << (table.rows.size() == 1 ? " row)\n" : " rows)\n");
}

void write_json(const ResultTable& table, std::ostream& out) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& row : table.rows) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      nlohmann::ordered_json& value = object[table.columns[c]];
      if (!row[c]) continue;  // stays null
      const std::string& cell = *row[c];
      switch (table.kinds[c]) {
        case CellKind::kInteger:
          value = std::stoll(cell);
          break;
        case CellKind::kBoolean:
          value = (cell == "t" || cell == "true");
          break;
        case CellKind::kJson:
          value = nlohmann::ordered_json::parse(cell, nullptr, false);
          if (value.is_discarded()) value = cell;
          break;
        default:
          value = cell;  // text, timestamps and exact decimals
      }
    }
    rows.push_back(std::move(object));
  }
  out << rows.dump(2) << '\n';
}

void write_csv(const ResultTable& table, std::ostream& out) {
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (c != 0) out << ',';
    out << csv_cell(table.columns[c]);
  }
  out << "\r\n";
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c != 0) out << ',';
      if (row[c]) out << csv_cell(*row[c]);
    }
    out << "\r\n";
  }
}

void write_result(const ResultTable& table, OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::kTable:
      write_text_table(table, out);
      return;
    case OutputFormat::kJson:
      write_json(table, out);
      return;
    case OutputFormat::kCsv:
      write_csv(table, out);
      return;
  }
}

}  // namespace ledger::queries
