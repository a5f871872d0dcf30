#include "up_summary.hpp"

#include <fmt/format.h>

#include <chrono>
#include <pqxx/pqxx>

namespace ledger::local::up {
namespace {

constexpr int kAgentsShownMax = 12;

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Summary::Db {
  std::unique_ptr<pqxx::connection> connection;
};

Summary::Summary(std::string db_uri, std::string schema)
    : db_uri_(std::move(db_uri)), schema_(std::move(schema)), db_(std::make_unique<Db>()) {}

Summary::~Summary() = default;

void Summary::read_agents(SummarySnapshot& snapshot) {
  if (!db_->connection) db_->connection = std::make_unique<pqxx::connection>(db_uri_);
  pqxx::read_transaction tx(*db_->connection);
  const std::string s = schema_ + ".";
  const auto rows = tx.exec(
      "SELECT a.agent_id, coalesce(a.llm_model, ''),"
      " (SELECT count(*) FROM " +
      s +
      "decisions d WHERE d.agent_id = a.agent_id),"
      " (SELECT count(*) FROM " +
      s +
      "decisions d WHERE d.agent_id = a.agent_id"
      "   AND d.action = 'HOLD'),"
      " (SELECT count(*) FROM " +
      s +
      "orders o WHERE o.agent_id = a.agent_id),"
      " (SELECT count(*) FROM " +
      s +
      "fills f WHERE f.agent_id = a.agent_id)"
      " FROM " +
      s + "agents a ORDER BY a.agent_id LIMIT " + std::to_string(kAgentsShownMax));
  for (const auto& row : rows) {
    AgentLine line;
    line.agent_id = row[0].as<std::string>();
    line.llm_model = row[1].as<std::string>();
    line.decisions = row[2].as<std::int64_t>();
    line.holds = row[3].as<std::int64_t>();
    line.orders = row[4].as<std::int64_t>();
    line.fills = row[5].as<std::int64_t>();
    snapshot.agents.push_back(std::move(line));
  }
  // Positions and P&L: only once the accounting tables exist.
  const auto has_positions =
      tx.exec1("SELECT to_regclass(" + tx.quote(s + "performance_summary") + ") IS NOT NULL")[0]
          .as<bool>();
  if (has_positions) {
    tx.exec("SAVEPOINT positions");
    try {
      // performance_summary (0150_books.sql): total P&L = realized net + funding + unrealized.
      const auto positions =
          tx.exec("SELECT agent_id, open_position_count, round(total_pnl, 2)::text FROM " + s +
                  "performance_summary");
      for (const auto& row : positions) {
        for (auto& line : snapshot.agents) {
          if (line.agent_id != row[0].as<std::string>()) continue;
          line.open_positions = row[1].as<std::int64_t>();
          line.pnl = row[2].as<std::string>();
        }
      }
    } catch (const pqxx::sql_error&) {
      tx.exec("ROLLBACK TO SAVEPOINT positions");  // other columns: leave P&L out
    }
  }
}

SummarySnapshot Summary::take(const projector::ProjectorMetrics& metrics) {
  SummarySnapshot snapshot;
  const auto totals = metrics.totals();
  const std::int64_t now_ms = steady_ms();
  if (last_ms_ > 0 && now_ms > last_ms_) {
    snapshot.events_per_s = static_cast<double>(totals.events_projected - last_projected_) *
                            1000.0 / static_cast<double>(now_ms - last_ms_);
  }
  last_projected_ = totals.events_projected;
  last_ms_ = now_ms;
  snapshot.lag_events = totals.lag_events;
  snapshot.projected = totals.events_projected;
  snapshot.rejected = totals.events_rejected;
  snapshot.ready = metrics.health().ready;
  try {
    read_agents(snapshot);
  } catch (const std::exception& e) {
    db_->connection.reset();
    snapshot.note = std::string("tables not readable yet: ") + e.what();
    if (const auto cut = snapshot.note.find('\n'); cut != std::string::npos) {
      snapshot.note.resize(cut);
    }
  }
  return snapshot;
}

std::string Summary::render_line(const SummarySnapshot& s) {
  std::string agents;
  for (const auto& a : s.agents) {
    agents += fmt::format(" {}:{}d/{}o/{}f", a.agent_id, a.decisions, a.orders, a.fills);
    if (a.pnl) agents += fmt::format("/pnl={}", *a.pnl);
  }
  return fmt::format("{} | {:.1f} events/s, lag {}, projected {}, rejected {} |{}{}",
                     s.ready ? "ready" : "not ready", s.events_per_s, s.lag_events, s.projected,
                     s.rejected, agents.empty() ? " no agents yet" : agents,
                     s.note.empty() ? "" : " | " + s.note);
}

std::string Summary::render_table(const SummarySnapshot& s) {
  const bool with_positions = !s.agents.empty() && s.agents.front().pnl.has_value();
  std::string out =
      fmt::format("  {}  {:.1f} events/s   consumer lag {}   projected {}   rejected {}\n",
                  s.ready ? "\x1b[32mready\x1b[0m    " : "\x1b[33mcatching up\x1b[0m",
                  s.events_per_s, s.lag_events, s.projected, s.rejected);
  out += fmt::format("  {:<14} {:<20} {:>9} {:>6} {:>7} {:>6}", "agent", "model", "decisions",
                     "holds", "orders", "fills");
  out += with_positions ? fmt::format(" {:>5} {:>16}\n", "open", "P&L (USD)") : "\n";
  for (const auto& a : s.agents) {
    out += fmt::format("  {:<14} {:<20} {:>9} {:>6} {:>7} {:>6}", a.agent_id, a.llm_model,
                       a.decisions, a.holds, a.orders, a.fills);
    out += with_positions
               ? fmt::format(" {:>5} {:>16}\n", a.open_positions.value_or(0), a.pnl.value_or("-"))
               : "\n";
  }
  if (s.agents.empty()) out += "  (no agents yet)\n";
  if (!s.note.empty()) out += "  " + s.note + "\n";
  return out;
}

}  // namespace ledger::local::up
