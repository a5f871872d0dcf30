// `ledger report`: one self-contained HTML page picturing the books, from the projected tables.
//
// Owns: reading agents, fills, heartbeat marks and decisions; folding fills and marks into a
// mark-to-market equity curve (initial balance + cash flows of fills - fees + positions at the
// latest marks) and P&L by symbol, in exact Decimals; and rendering the page: per agent an
// equity curve, its drawdown, P&L by symbol and the decision mix (HOLD / open / close), as
// inline SVG drawn here. The page loads nothing from the network (no scripts, fonts or images).
// Promises: load_report() only reads (one read-only transaction) and reads at most
// kFillsMax fills and kMarksMax heartbeats per agent (the latest ones); curves are sampled
// down to kCurvePointsMax points. fold_books() and render_report_html() are pure.
// Needs: a migrated schema; tables that do not exist yet (e.g. before the accounting
// migrations) leave their part out with a note instead of failing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ledger/events/decimal.hpp"

namespace CLI {
class App;
}
namespace pqxx {
class connection_base;
}

namespace ledger::queries {

inline constexpr std::size_t kFillsMax = 200'000;
inline constexpr std::size_t kMarksMax = 100'000;
inline constexpr std::size_t kCurvePointsMax = 400;

struct EquityPoint {
  std::int64_t unix_ms = 0;
  events::Decimal equity;
};

struct AgentReport {
  std::string agent_id;
  std::string name;
  std::string llm_model;
  std::string strategy_id;
  events::Decimal initial_balance;
  std::vector<EquityPoint> equity;  // time order, at most kCurvePointsMax
  // Net P&L per symbol (cash flows - fees + open quantity at the latest mark), by symbol.
  std::map<std::string, events::Decimal> pnl_by_symbol;
  std::int64_t fills = 0;
  std::int64_t holds = 0;
  std::int64_t opens = 0;
  std::int64_t closes = 0;
};

struct Report {
  std::string title = "Ledger report";
  std::string generated_at;  // RFC 3339, wall clock
  std::string source;        // e.g. "schema ledger" (never a connection string)
  std::vector<AgentReport> agents;
  std::vector<std::string> notes;  // parts left out and why
};

struct FillRow {
  std::int64_t unix_ms = 0;
  std::string symbol;
  bool buy = true;
  events::Decimal price;
  events::Decimal quantity;
  events::Decimal fee;
};

struct MarkRow {
  std::int64_t unix_ms = 0;
  std::map<std::string, events::Decimal> marks;  // symbol -> mark price
};

// Folds time-ordered fills and marks into agent.equity (a point after every mark and fill,
// sampled to kCurvePointsMax) and agent.pnl_by_symbol. Fills of a symbol with no mark yet are
// valued at their own price.
void fold_books(const std::vector<FillRow>& fills, const std::vector<MarkRow>& marks,
                AgentReport& agent);

// Reads the report from `schema` (a valid schema name). False with `error` when the database
// cannot be read at all.
bool load_report(pqxx::connection_base& connection, const std::string& schema, Report& report,
                 std::string& error);

// The whole page.
std::string render_report_html(const Report& report);

// Registers `ledger report` (cli/ledger.cpp calls this).
void add_report_command(CLI::App& app, int& exit_code);

}  // namespace ledger::queries
