// BooksExtension::write: the batch's accounting rows, in the batch's transaction. History rows
// by COPY; current rows (positions, summaries, state) replaced per key: one DELETE over the
// batch's keys, then one COPY of the final images. Nothing here reads the wall clock.
// This file: positions, position changes, round trips and the accounting state; the equity
// curve and performance tables are in books_write_performance.cpp.
#include "books_cells.hpp"
#include "books_extension.hpp"
#include "ledger/projector/accounting/state_json.hpp"

namespace ledger::projector {

using namespace books_cells;

namespace {

std::string array_of(const std::vector<std::string>& values) { return text_array(values); }

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

}  // namespace ledger::projector
