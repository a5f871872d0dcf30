// BooksExtension::write: the batch's accounting rows, in the batch's transaction. History rows
// by COPY; current rows (positions, summaries, state) replaced per key: one DELETE over the
// batch's keys, then one COPY of the final images. Nothing here reads the wall clock.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <pqxx/pqxx>
#include <stdexcept>

#include "books_extension.hpp"
#include "ledger/projector/accounting/state_json.hpp"
#include "ledger/projector/row_text.hpp"
#include "ledger/projector/sql_text.hpp"

namespace ledger::projector {
namespace {

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;
using Columns = std::vector<std::string>;

// Text cells for COPY.
Cell text(std::string value) { return value; }
Cell opt_text(const std::string& value) { return nullable(value); }
Cell dec(Decimal value) { return value.to_string(); }
Cell dec(const std::optional<Decimal>& value) {
  if (!value) return std::nullopt;
  return value->to_string();
}
Cell shown(acc::Amount value) { return value.to_decimal().to_string(); }
Cell exact(acc::Amount value) { return value.to_string(); }
Cell num(std::int64_t value) { return std::to_string(value); }
Cell num(std::uint64_t value) { return std::to_string(value); }
Cell time(acc::TimeUs us) { return timestamp_text(us); }
Cell time(const std::optional<acc::TimeUs>& us) {
  if (!us) return std::nullopt;
  return timestamp_text(*us);
}
Cell interval(acc::TimeUs us) { return std::to_string(us) + " microseconds"; }
Cell interval(const std::optional<acc::TimeUs>& us) {
  if (!us) return std::nullopt;
  return interval(*us);
}
// Shortest text that reads back as the same double; NULL when undefined or not finite.
Cell stat(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return std::nullopt;
  return fmt::format("{}", *value);
}
Cell boolean(bool value) { return std::string(value ? "t" : "f"); }

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
void delete_keys(pqxx::dbtransaction& tx, const char* table, const char* second,
                 const std::vector<std::string>& agents, const std::vector<std::string>& seconds) {
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

Cell outcome(acc::Amount net) {
  return text(net.is_positive() ? "win" : (net.is_negative() ? "loss" : "breakeven"));
}

std::string array_of(const std::vector<std::string>& values) { return text_array(values); }

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

}  // namespace

void BooksExtension::write(pqxx::dbtransaction& tx) {
  write_positions(tx);
  write_changes(tx);
  write_round_trips(tx);
  write_snapshots(tx);
  write_summaries(tx);
  write_strategies(tx);
  write_state(tx);
  write_events(tx);
}

void BooksExtension::write_state(pqxx::dbtransaction& tx) {
  std::vector<std::string> agents;
  std::vector<Row> rows;
  for (const auto& [agent_id, books] : agents_) {
    if (!books.changed) continue;
    agents.push_back(agent_id);
    rows.push_back(
        Row{text(agent_id), text(agent_books_to_json(books).dump()), time(books.updated_at_us)});
  }
  delete_keys(tx, "accounting_state", nullptr, agents, {});
  copy<3>(tx, "accounting_state", Columns{"agent_id", "state", "updated_at"}, rows);
}

void BooksExtension::write_positions(pqxx::dbtransaction& tx) {
  std::vector<std::string> agents, symbols;
  std::vector<Row> rows;
  for (const auto& [key, p] : positions_) {
    agents.push_back(key.first);
    symbols.push_back(key.second);
    rows.push_back(Row{text(key.first),
                       text(p.symbol),
                       num(p.number),
                       text(acc::to_string(p.side())),
                       dec(p.quantity),
                       dec(p.average_entry_price()),
                       exact(p.cost_basis),
                       dec(p.realized_pnl_gross_shown()),
                       dec(p.fees_paid_shown()),
                       dec(p.realized_pnl_net_shown()),
                       dec(p.mark_price),
                       time(p.marked_at_us),
                       dec(p.unrealized_pnl_shown()),
                       dec(p.notional_shown()),
                       num(std::int64_t{p.leverage}),
                       dec(p.margin_used_shown()),
                       dec(p.entry_quantity),
                       dec(p.exit_quantity),
                       dec(p.peak_quantity),
                       num(p.lineage.fill_count()),
                       time(p.opened_at_us),
                       time(p.updated_at_us),
                       time(p.closed_at_us),
                       text(acc::to_string(p.status)),
                       opt_text(p.opening_decision_id),
                       opt_text(p.opening_order_id),
                       opt_text(p.strategy_id)});
  }
  delete_keys(tx, "positions", "symbol", agents, symbols);
  copy<27>(tx, "positions",
           Columns{"agent_id",
                   "symbol",
                   "position_number",
                   "side",
                   "quantity",
                   "average_entry_price",
                   "cost_basis",
                   "realized_pnl_gross",
                   "fees_paid",
                   "realized_pnl_net",
                   "mark_price",
                   "marked_at",
                   "unrealized_pnl",
                   "notional",
                   "leverage",
                   "margin_used",
                   "entry_quantity",
                   "exit_quantity",
                   "peak_quantity",
                   "fill_count",
                   "opened_at",
                   "updated_at",
                   "closed_at",
                   "status",
                   "opening_decision_id",
                   "opening_order_id",
                   "strategy_id"},
           rows);
}

void BooksExtension::write_changes(pqxx::dbtransaction& tx) {
  std::vector<Row> rows;
  rows.reserve(changes_.size());
  for (const PositionChangeRow& c : changes_) {
    const DecodedEvent& e = *c.event;
    rows.push_back(Row{text(e.event.agent_id()),
                       text(c.after.symbol),
                       num(c.after.number),
                       c.closed_number ? num(*c.closed_number) : Cell(),
                       text(acc::to_string(c.change)),
                       text(acc::to_string(c.fill_side)),
                       dec(c.fill_price),
                       dec(c.fill_quantity),
                       dec(c.quantity_before),
                       dec(c.after.quantity),
                       text(acc::to_string(c.after.side())),
                       dec(c.after.average_entry_price()),
                       shown(c.realized_delta),
                       dec(c.fee),
                       text(c.fill_id),
                       text(c.order_id),
                       opt_text(c.decision_id),
                       opt_text(c.strategy_id),
                       time(e.occurred_at_us),
                       text(e.event.event_id()),
                       num(std::int64_t{e.record.partition}),
                       num(e.record.offset)});
  }
  copy<22>(tx, "position_changes",
           Columns{"agent_id",
                   "symbol",
                   "position_number",
                   "closed_position_number",
                   "change",
                   "fill_side",
                   "fill_price",
                   "fill_quantity",
                   "quantity_before",
                   "quantity_after",
                   "side_after",
                   "average_entry_price_after",
                   "realized_pnl_delta",
                   "fee",
                   "fill_id",
                   "order_id",
                   "decision_id",
                   "strategy_id",
                   "occurred_at",
                   "event_id",
                   "kafka_partition",
                   "kafka_offset"},
           rows);
}

void BooksExtension::write_round_trips(pqxx::dbtransaction& tx) {
  std::vector<Row> rows;
  for (const RoundTripRow& r : round_trips_) {
    const acc::RoundTrip& t = r.trip;
    const DecodedEvent& e = *r.event;
    rows.push_back(Row{text(e.event.agent_id()),
                       text(t.symbol),
                       num(t.position_number),
                       text(acc::to_string(t.side)),
                       opt_text(t.strategy_id),
                       opt_text(t.opening_decision_id),
                       opt_text(t.opening_order_id),
                       dec(t.entry_price_average()),
                       dec(t.exit_price_average()),
                       dec(t.entry_quantity),
                       dec(t.peak_quantity),
                       time(t.opened_at_us),
                       time(t.closed_at_us),
                       interval(t.duration_us()),
                       shown(t.pnl_gross),
                       shown(t.fees),
                       shown(t.pnl_net()),
                       outcome(t.pnl_net()),
                       boolean(t.ended_by_flip),
                       num(t.lineage.fill_count()),
                       text(array_of(t.lineage.decision_ids())),
                       text(array_of(t.lineage.order_ids())),
                       boolean(t.lineage.ids_truncated()),
                       text(e.event.event_id()),
                       num(std::int64_t{e.record.partition}),
                       num(e.record.offset)});
  }
  copy<26>(tx, "closed_positions", Columns{"agent_id",         "symbol",
                                           "position_number",  "side",
                                           "strategy_id",      "opening_decision_id",
                                           "opening_order_id", "entry_avg_price",
                                           "exit_avg_price",   "quantity",
                                           "peak_quantity",    "opened_at",
                                           "closed_at",        "duration",
                                           "gross_pnl",        "fees",
                                           "net_pnl",          "outcome",
                                           "ended_by_flip",    "fill_count",
                                           "decision_ids",     "order_ids",
                                           "ids_truncated",    "event_id",
                                           "kafka_partition",  "kafka_offset"},
           rows);
}

namespace {

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
    const auto summary = books.tracker.summary();
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
      const auto summary = strategy.tracker.summary();
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
