// The books extension through the real pipeline (Kafka -> Projector + books -> PostgreSQL): a
// hand-computed scenario (register, open long, add, HOLD, partial close, deposit, flip to
// short, marks in heartbeats, an offline gap) with every column of positions,
// position_changes, closed_positions, performance_snapshots, performance_summary and
// strategy_performance asserted to the last decimal, and the derived system events.
//
// Hand computation (BTC, leverage 2, initial balance 10000):
//   F1 buy 1 @ 100 fee 0.1      opened    q 1    C 100    F 0.1
//   F2 buy 1 @ 110 fee 0.11     increased q 2    C 210    F 0.21   avg 105
//   HB1 mark 120: U = 2*120 - 210 = 30; cash 10000 - 210 - 0.21 = 9789.79; equity 10029.79;
//       total P&L 29.79; ROI 0.2979 %; margin 240/2 = 120
//   F3 sell 0.5 @ 130 fee 0.065 reduced  share 210*0.5/2 = 52.5, dR = 65 - 52.5 = 12.5,
//       q 1.5, C 157.5, F 0.275
//   deposit 1000: capital 11000
//   F4 sell 2.5 @ 120 fee 0.3   flipped: closes 1.5 (dR = 180 - 157.5 = 22.5, fee share
//       0.3*1.5/2.5 = 0.18): round trip #1 long, entry 210/2 = 105, exit (65+180)/2 = 122.5,
//       gross 35, fees 0.455, net 34.545; opens #2 short q -1, C -120, F 0.12
//   HB2 mark 110: U = -110 + 120 = 10; cash 11000 + 35 - 0.575 + 120 = 11154.425;
//       equity 11044.425; total P&L 44.425; ROI 44.425/11000*100 = 0.40386364 (half even)
//   HB3 mark 100 (220 s after HB2 > 120 s: agent_offline at HB2 + 120 s): U = 20;
#include <gtest/gtest.h>

#include "books_scenario.hpp"

namespace ledger::projector::testing {
namespace {

// The scenario, published and projected with the books in SetUpTestSuite (once per process:
// under ctest each test runs alone, with its own topic and database); each test asserts one
// table (or one change) to the last decimal.
class HandComputedBooks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    h = new Harness();
    Scenario scenario(*h);
    events = new std::vector<Event>(scenario.events());
    h->publish_many(*events);
    const ProjectorStats stats = project_with_books(*h, 10'000);
    ASSERT_EQ(stats.events_rejected, 0);
    ASSERT_EQ(stats.events_projected, static_cast<std::int64_t>(events->size()));
  }
  static void TearDownTestSuite() {
    delete h;
    h = nullptr;
    delete events;
    events = nullptr;
  }
  // The position_changes row written at `kafka_offset`.
  static std::vector<std::string> change_at(int kafka_offset) {
    return h->rows(
        "agent_id, symbol, position_number, closed_position_number, change, fill_side, "
        "fill_price, fill_quantity, quantity_before, quantity_after, side_after, "
        "average_entry_price_after, realized_pnl_delta, fee, fill_id, order_id, "
        "decision_id, strategy_id, occurred_at, event_id, kafka_partition, kafka_offset",
        "position_changes WHERE kafka_offset = " + std::to_string(kafka_offset));
  }
  static inline Harness* h = nullptr;
  static inline std::vector<Event>* events = nullptr;  // the scenario, in publishing order
};

TEST_F(HandComputedBooks, Positions) {
  EXPECT_EQ(h->rows("agent_id, symbol, position_number, side, quantity, average_entry_price, "
                    "cost_basis, realized_pnl_gross, fees_paid, realized_pnl_net, mark_price, "
                    "marked_at, unrealized_pnl, notional, leverage, margin_used, entry_quantity, "
                    "exit_quantity, peak_quantity, fill_count, opened_at, updated_at, closed_at, "
                    "status, opening_decision_id, opening_order_id, strategy_id",
                    "positions"),
            std::vector<std::string>{join({"agent-1",
                                           "BTC",
                                           "2",
                                           "short",
                                           "-1.00000000",
                                           "120.00000000",
                                           "-120.0000000000000000",
                                           "0.00000000",
                                           "0.12000000",
                                           "-0.12000000",
                                           "100.00000000",
                                           ts(400),
                                           "20.00000000",
                                           "100.00000000",
                                           "2",
                                           "50.00000000",
                                           "1.00000000",
                                           "0.00000000",
                                           "1.00000000",
                                           "1",
                                           ts(120),
                                           ts(400),
                                           "NULL",
                                           "open",
                                           kD4,
                                           "O4",
                                           "trend-v1"})});
}

TEST_F(HandComputedBooks, PositionChangeOpenedByTheFirstFill) {
  EXPECT_EQ(change_at(3), std::vector<std::string>{join({"agent-1",
                                                         "BTC",
                                                         "1",
                                                         "NULL",
                                                         "opened",
                                                         "buy",
                                                         "100.00000000",
                                                         "1.00000000",
                                                         "0.00000000",
                                                         "1.00000000",
                                                         "long",
                                                         "100.00000000",
                                                         "0.00000000",
                                                         "0.10000000",
                                                         "F1",
                                                         "O1",
                                                         kD1,
                                                         "trend-v1",
                                                         ts(3),
                                                         (*events)[3].event_id(),
                                                         "0",
                                                         "3"})});
}

TEST_F(HandComputedBooks, PositionChangeIncreasedBySecondFill) {
  EXPECT_EQ(change_at(5), std::vector<std::string>{join({"agent-1",
                                                         "BTC",
                                                         "1",
                                                         "NULL",
                                                         "increased",
                                                         "buy",
                                                         "110.00000000",
                                                         "1.00000000",
                                                         "1.00000000",
                                                         "2.00000000",
                                                         "long",
                                                         "105.00000000",
                                                         "0.00000000",
                                                         "0.11000000",
                                                         "F2",
                                                         "O2",
                                                         kD2,
                                                         "trend-v1",
                                                         ts(5),
                                                         (*events)[5].event_id(),
                                                         "0",
                                                         "5"})});
}

TEST_F(HandComputedBooks, PositionChangeReducedByAPartialClose) {
  EXPECT_EQ(change_at(9), std::vector<std::string>{join({"agent-1",
                                                         "BTC",
                                                         "1",
                                                         "NULL",
                                                         "reduced",
                                                         "sell",
                                                         "130.00000000",
                                                         "0.50000000",
                                                         "2.00000000",
                                                         "1.50000000",
                                                         "long",
                                                         "105.00000000",
                                                         "12.50000000",
                                                         "0.06500000",
                                                         "F3",
                                                         "O3",
                                                         kD3,
                                                         "trend-v1",
                                                         ts(90),
                                                         (*events)[9].event_id(),
                                                         "0",
                                                         "9"})});
}

TEST_F(HandComputedBooks, PositionChangeFlippedToShort) {
  EXPECT_EQ(change_at(12), std::vector<std::string>{join({"agent-1",
                                                          "BTC",
                                                          "2",
                                                          "1",
                                                          "flipped",
                                                          "sell",
                                                          "120.00000000",
                                                          "2.50000000",
                                                          "1.50000000",
                                                          "-1.00000000",
                                                          "short",
                                                          "120.00000000",
                                                          "22.50000000",
                                                          "0.30000000",
                                                          "F4",
                                                          "O4",
                                                          kD4,
                                                          "trend-v1",
                                                          ts(120),
                                                          (*events)[12].event_id(),
                                                          "0",
                                                          "12"})});
}

TEST_F(HandComputedBooks, PositionChangesAreFourInOrder) {
  EXPECT_EQ(h->rows("change", "position_changes", "kafka_offset"),
            (std::vector<std::string>{"opened", "increased", "reduced", "flipped"}));
}

TEST_F(HandComputedBooks, ClosedPositions) {
  EXPECT_EQ(h->rows("agent_id, symbol, position_number, side, strategy_id, opening_decision_id, "
                    "opening_order_id, entry_avg_price, exit_avg_price, quantity, peak_quantity, "
                    "opened_at, closed_at, duration, gross_pnl, fees, net_pnl, outcome, "
                    "ended_by_flip, fill_count, decision_ids, order_ids, ids_truncated, "
                    "event_id, kafka_partition, kafka_offset",
                    "closed_positions"),
            std::vector<std::string>{join({"agent-1",
                                           "BTC",
                                           "1",
                                           "long",
                                           "trend-v1",
                                           kD1,
                                           "O1",
                                           "105.00000000",
                                           "122.50000000",
                                           "2.00000000",
                                           "2.00000000",
                                           ts(3),
                                           ts(120),
                                           "00:01:57",
                                           "35.00000000",
                                           "0.45500000",
                                           "34.54500000",
                                           "win",
                                           "true",
                                           "4",
                                           "{" + kD1 + "," + kD2 + "," + kD3 + "," + kD4 + "}",
                                           "{O1,O2,O3,O4}",
                                           "false",
                                           (*events)[12].event_id(),
                                           "0",
                                           "12"})});
}

TEST_F(HandComputedBooks, PerformanceSnapshots) {
  EXPECT_EQ(
      h->rows("agent_id, occurred_at, capital, cash, position_value, total_value, "
              "realized_pnl_gross, fees_paid, realized_pnl_net, funding, unrealized_pnl, "
              "total_pnl, roi_pct, gross_exposure, margin_used, open_position_count, event_id, "
              "kafka_partition, kafka_offset",
              "performance_snapshots", "kafka_offset"),
      (std::vector<std::string>{
          join({"agent-1", ts(60), "10000.00000000", "9789.79000000", "240.00000000",
                "10029.79000000", "0.00000000", "0.21000000", "-0.21000000", "0.00000000",
                "30.00000000", "29.79000000", "0.29790000", "240.00000000", "120.00000000", "1",
                (*events)[6].event_id(), "0", "6"}),
          join({"agent-1", ts(180), "11000.00000000", "11154.42500000", "-110.00000000",
                "11044.42500000", "35.00000000", "0.57500000", "34.42500000", "0.00000000",
                "10.00000000", "44.42500000", "0.40386364", "110.00000000", "55.00000000", "1",
                (*events)[13].event_id(), "0", "13"}),
          join({"agent-1", ts(400), "11000.00000000", "11154.42500000", "-100.00000000",
                "11054.42500000", "35.00000000", "0.57500000", "34.42500000", "0.00000000",
                "20.00000000", "54.42500000", "0.49477273", "100.00000000", "50.00000000", "1",
                (*events)[14].event_id(), "0", "14"})}));
}

TEST_F(HandComputedBooks, PerformanceSummary) {
  EXPECT_EQ(
      h->rows("agent_id, capital, cash, position_value, total_value, realized_pnl_gross, "
              "fees_paid, realized_pnl_net, funding, unrealized_pnl, total_pnl, roi_pct, "
              "gross_exposure, margin_used, open_position_count, fill_count, round_trips, wins, "
              "losses, breakevens, win_rate_pct, gross_profit, gross_loss, net_pnl, trade_fees, "
              "average_win, average_loss, largest_win, largest_loss, profit_factor, expectancy, "
              "average_duration, snapshots, max_drawdown, max_drawdown_pct, daily_returns, "
              "volatility_pct, sharpe_ratio, sortino_ratio, total_return_pct, "
              "annualized_return_pct, first_snapshot_at, last_snapshot_at, updated_at",
              "performance_summary"),
      std::vector<std::string>{
          join({"agent-1",
                "11000.00000000",
                "11154.42500000",
                "-100.00000000",
                "11054.42500000",
                "35.00000000",
                "0.57500000",
                "34.42500000",
                "0.00000000",
                "20.00000000",
                "54.42500000",
                "0.49477273",
                "100.00000000",
                "50.00000000",
                "1",
                "4",
                "1",
                "1",
                "0",
                "0",
                "100",
                "34.54500000",
                "0.00000000",
                "34.54500000",
                "0.45500000",
                "34.54500000",
                "NULL",
                "34.54500000",
                "NULL",
                "NULL",
                "34.54500000",
                "00:01:57",
                "3",
                "0.00000000",
                "0",
                "0",
                "NULL",
                "NULL",
                "NULL",
                "0.4947727272727272",  // total_return_pct: 54.425 / 11000 exactly, as a double
                "NULL",
                ts(60),
                ts(400),
                ts(400)})});
}

TEST_F(HandComputedBooks, StrategyPerformance) {
  EXPECT_EQ(h->rows("agent_id, strategy_id, round_trips, wins, losses, breakevens, win_rate_pct, "
                    "gross_profit, gross_loss, net_pnl, fees, average_win, average_loss, "
                    "largest_win, largest_loss, profit_factor, expectancy, average_duration, "
                    "updated_at",
                    "strategy_performance"),
            std::vector<std::string>{
                join({"agent-1", "trend-v1", "1", "1", "0", "0", "100", "34.54500000", "0.00000000",
                      "34.54500000", "0.45500000", "34.54500000", "NULL", "34.54500000", "NULL",
                      "NULL", "34.54500000", "00:01:57", ts(120)})});
}

TEST_F(HandComputedBooks, DerivedSystemEventsAndState) {
  // Derived system events: opened (F1), flipped (F4), offline (HB2 + 120 s, found at HB3).
  EXPECT_EQ(h->rows("event_type, source, severity, component, agent_id, occurred_at, event_id, "
                    "kafka_offset",
                    "system_events WHERE component = 'accounting'", "kafka_offset, event_type"),
            (std::vector<std::string>{join({"position_opened", "derived", "info", "accounting",
                                            "agent-1", ts(3), (*events)[3].event_id(), "3"}),
                                      join({"position_flipped", "derived", "info", "accounting",
                                            "agent-1", ts(120), (*events)[12].event_id(), "12"}),
                                      join({"agent_offline", "derived", "warning", "accounting",
                                            "agent-1", ts(300), (*events)[14].event_id(), "14"})}));
  EXPECT_EQ(h->value("SELECT details->>'gap_us' FROM system_events "
                     "WHERE event_type = 'agent_offline'"),
            "220000000");
  // The exact state is kept apart from the rounded rows (scale 16 cost basis).
  EXPECT_EQ(h->value("SELECT (state::jsonb)->>'version' FROM accounting_state"), "1");
}
}  // namespace
}  // namespace ledger::projector::testing
