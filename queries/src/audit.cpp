#include "ledger/queries/audit.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "audit_sql.hpp"

namespace ledger::queries {
namespace {

using Params = std::vector<std::optional<std::string>>;

bool is_uuid(const std::string& text) {
  static const std::regex kUuid(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return std::regex_match(text, kUuid);
}

AuditSection section(ReadOnlySession& session, const char* key, const char* title, bool single,
                     const char* sql, const Params& params) {
  return AuditSection{key, title, single, to_table(session.exec(sql, params))};
}

bool has_books(ReadOnlySession& session) {
  const pqxx::result result = session.exec(audit_sql::kHasBooks, {});
  return !result.empty() && result[0][0].as<bool>();
}

// JSON of one table, through write_json (exact decimals kept as strings).
nlohmann::ordered_json table_json(const ResultTable& table) {
  std::ostringstream text;
  write_json(table, text);
  return nlohmann::ordered_json::parse(text.str());
}

void write_single(const ResultTable& table, std::ostream& out) {
  if (table.rows.empty()) {
    out << "  (none)\n";
    return;
  }
  std::size_t width = 0;
  for (const std::string& column : table.columns) width = std::max(width, column.size());
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& cell = table.rows.front()[c];
    out << "  " << table.columns[c] << std::string(width - table.columns[c].size(), ' ') << "  "
        << (cell ? *cell : std::string()) << '\n';
  }
}

}  // namespace

AuditReport audit_decision(ReadOnlySession& session, const std::string& decision_id,
                           bool show_prompt) {
  if (!is_uuid(decision_id)) {
    throw std::invalid_argument("decision id '" + decision_id + "' is not a UUID");
  }
  const Params id = {decision_id};
  AuditReport report;
  report.sections.push_back(
      section(session, "decision", "Decision", true, audit_sql::kDecision, id));
  report.found = !report.sections.front().table.rows.empty();
  if (!report.found) return report;
  if (show_prompt) {
    report.sections.push_back(
        section(session, "prompt", "Prompt and LLM response", true, audit_sql::kPrompt, id));
  }
  report.sections.push_back(
      section(session, "orders", "Orders it caused", false, audit_sql::kOrders, id));
  report.sections.push_back(
      section(session, "order_events", "Order state changes", false, audit_sql::kOrderEvents, id));
  report.sections.push_back(section(session, "fills", "Fills", false, audit_sql::kFills, id));
  report.sections.push_back(
      section(session, "rejects", "Events refused on its behalf", false, audit_sql::kRejects, id));
  report.sections.push_back(section(session, "lineage", "Events of its correlation (archive)",
                                    false, audit_sql::kLineage, id));
  if (has_books(session)) {
    report.sections.push_back(section(session, "position_changes", "Position changes", false,
                                      audit_sql::kPositionChanges, id));
    report.sections.push_back(
        section(session, "realized_pnl", "P&L it realized", true, audit_sql::kRealized, id));
    report.sections.push_back(section(session, "round_trips", "Round trips it took part in", false,
                                      audit_sql::kRoundTrips, id));
  }
  return report;
}

AuditReport audit_agent(ReadOnlySession& session, const std::string& agent_id,
                        const AgentAuditOptions& options) {
  AuditReport report;
  report.sections.push_back(
      section(session, "agent", "Agent", true, audit_sql::kAgent, Params{agent_id}));
  const std::optional<std::string> limit =
      options.limit > 0 ? std::optional<std::string>(std::to_string(options.limit)) : std::nullopt;
  std::string decisions_sql = audit_sql::kAgentDecisions;
  if (has_books(session)) {
    std::string with_pnl = audit_sql::kAgentDecisionsWithPnl;
    with_pnl.replace(with_pnl.find("%s"), 2, decisions_sql);
    decisions_sql = std::move(with_pnl);
  }
  report.sections.push_back(
      AuditSection{"decisions", "Decisions and their outcomes", false,
                   to_table(session.exec(decisions_sql,
                                         Params{agent_id, options.since, options.until, limit}))});
  report.found =
      !report.sections.front().table.rows.empty() || !report.sections.back().table.rows.empty();
  return report;
}

void write_audit(const AuditReport& report, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const AuditSection& s : report.sections) {
      nlohmann::ordered_json rows = table_json(s.table);
      if (s.single)
        object[s.key] = rows.empty() ? nlohmann::ordered_json() : rows.front();
      else
        object[s.key] = std::move(rows);
    }
    out << object.dump(2) << '\n';
    return;
  }
  bool first = true;
  for (const AuditSection& s : report.sections) {
    if (!first) out << '\n';
    first = false;
    if (format == OutputFormat::kCsv) {
      out << "# " << s.title << "\r\n";
      write_csv(s.table, out);
      continue;
    }
    out << "== " << s.title << " ==\n";
    if (s.single)
      write_single(s.table, out);
    else
      write_text_table(s.table, out);
  }
}

}  // namespace ledger::queries
