// BooksExtension::write, continued: the equity curve (performance_snapshots), the per-agent
// and per-strategy performance summaries and the books' system events, in the batch's
// transaction (see books_write.cpp).
#include "books_cells.hpp"
#include "books_extension.hpp"

namespace ledger::projector {

using namespace books_cells;

namespace {

// Trade figures shared by performance_summary and strategy_performance.
void add_trade_cells(Row& row, const acc::PerformanceSummary& s) {
  row.insert(row.end(), {num(s.round_trips), num(s.wins), num(s.losses), num(s.breakevens),
                         stat(s.win_rate_pct), dec(s.gross_profit), dec(s.gross_loss),
                         dec(s.net_pnl), dec(s.fees), dec(s.average_win), dec(s.average_loss),
                         dec(s.largest_win), dec(s.largest_loss), stat(s.profit_factor),
                         dec(s.expectancy), interval(s.average_duration_us)});
}
const Columns kTradeColumns{"round_trips",  "wins",          "losses",       "breakevens",
                            "win_rate_pct", "gross_profit",  "gross_loss",   "net_pnl",
                            "fees",         "average_win",   "average_loss", "largest_win",
                            "largest_loss", "profit_factor", "expectancy",   "average_duration"};

// The equity figures of a snapshot, as cells (shared by snapshots and summaries).
void add_equity_cells(Row& row, const acc::EquitySnapshot& s) {
  row.insert(row.end(),
             {dec(s.capital), dec(s.cash), dec(s.position_value), dec(s.total_value),
              dec(s.realized_pnl_gross), dec(s.fees_paid), dec(s.realized_pnl_net), dec(s.funding),
              dec(s.unrealized_pnl), dec(s.total_pnl), dec(s.roi_pct), dec(s.gross_exposure),
              dec(s.margin_used), num(static_cast<std::int64_t>(s.open_positions))});
}
const Columns kEquityColumns{"capital",
                             "cash",
                             "position_value",
                             "total_value",
                             "realized_pnl_gross",
                             "fees_paid",
                             "realized_pnl_net",
                             "funding",
                             "unrealized_pnl",
                             "total_pnl",
                             "roi_pct",
                             "gross_exposure",
                             "margin_used",
                             "open_position_count"};

Columns concat(Columns a, const Columns& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

void BooksExtension::write_snapshots(pqxx::dbtransaction& tx) {
  std::vector<Row> rows;
  rows.reserve(snapshots_.size());
  for (const SnapshotRow& r : snapshots_) {
    const DecodedEvent& e = *r.event;
    Row row{text(e.event.agent_id()), time(r.snapshot.at_us)};
    add_equity_cells(row, r.snapshot);
    row.insert(row.end(), {text(e.event.event_id()), num(std::int64_t{e.record.partition}),
                           num(e.record.offset)});
    rows.push_back(std::move(row));
  }
  copy<19>(tx, "performance_snapshots",
           concat(concat(Columns{"agent_id", "occurred_at"}, kEquityColumns),
                  Columns{"event_id", "kafka_partition", "kafka_offset"}),
           rows);
}

void BooksExtension::write_summaries(pqxx::dbtransaction& tx) {
  std::vector<std::string> agents;
  std::vector<Row> rows;
  for (const auto& [agent_id, books] : agents_) {
    if (!books.changed) continue;
    const auto snapshot = books.book.snapshot(books.updated_at_us);
    const auto summary = books.tracker.summary(statistics_);
    if (!snapshot.ok() || !summary.ok()) continue;  // overflow: reported where it arose
    const acc::PerformanceSummary& s = summary.value();
    agents.push_back(agent_id);
    Row row{text(agent_id)};
    add_equity_cells(row, snapshot.value());
    row.push_back(num(books.book.totals().fills));
    add_trade_cells(row, s);
    row.insert(row.end(), {num(s.snapshots), dec(s.max_drawdown), stat(s.max_drawdown_pct),
                           num(s.daily_returns), stat(s.volatility_pct), stat(s.sharpe_ratio),
                           stat(s.sortino_ratio), stat(s.total_return_pct),
                           stat(s.annualized_return_pct), time(s.first_snapshot_at_us),
                           time(s.last_snapshot_at_us), time(books.updated_at_us)});
    rows.push_back(std::move(row));
  }
  Columns trade = kTradeColumns;
  trade[8] = "trade_fees";  // "fees" of the round trips; fees_paid is the book's
  delete_keys(tx, "performance_summary", nullptr, agents, {});
  copy<44>(
      tx, "performance_summary",
      concat(
          concat(concat(concat(Columns{"agent_id"}, kEquityColumns), Columns{"fill_count"}), trade),
          Columns{"snapshots", "max_drawdown", "max_drawdown_pct", "daily_returns",
                  "volatility_pct", "sharpe_ratio", "sortino_ratio", "total_return_pct",
                  "annualized_return_pct", "first_snapshot_at", "last_snapshot_at", "updated_at"}),
      rows);
}

void BooksExtension::write_strategies(pqxx::dbtransaction& tx) {
  std::vector<std::string> agents, strategies;
  std::vector<Row> rows;
  for (const auto& [agent_id, books] : agents_) {
    for (const std::string& strategy_id : books.changed_strategies) {
      const StrategyBooks& strategy = books.strategies.at(strategy_id);
      const auto summary = strategy.tracker.summary(statistics_);
      if (!summary.ok()) continue;
      agents.push_back(agent_id);
      strategies.push_back(strategy_id);
      Row row{text(agent_id), text(strategy_id)};
      add_trade_cells(row, summary.value());
      row.push_back(time(strategy.updated_at_us));
      rows.push_back(std::move(row));
    }
  }
  delete_keys(tx, "strategy_performance", "strategy_id", agents, strategies);
  copy<19>(tx, "strategy_performance",
           concat(concat(Columns{"agent_id", "strategy_id"}, kTradeColumns), Columns{"updated_at"}),
           rows);
}

void BooksExtension::write_events(pqxx::dbtransaction& tx) {
  std::vector<Row> rows;
  for (const DerivedRow& d : events_) {
    const DecodedEvent& e = *d.source;
    rows.push_back(
        Row{text(e.event.event_id()), text("derived"), text(d.event.type),
            text(acc::to_string(d.event.severity)), text(d.event.component), text(d.event.message),
            text(d.event.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)),
            text(e.event.agent_id()), time(d.event.occurred_at_us),
            num(std::int64_t{e.record.partition}), num(e.record.offset)});
  }
  copy<11>(tx, "system_events",
           Columns{"event_id", "source", "event_type", "severity", "component", "message",
                   "details", "agent_id", "occurred_at", "kafka_partition", "kafka_offset"},
           rows);
}

}  // namespace ledger::projector
