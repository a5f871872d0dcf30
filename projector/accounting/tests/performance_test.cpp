// PerformanceTracker against values computed here with straightforward formulas.
#include "ledger/projector/accounting/performance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ledger/projector/accounting/state_json.hpp"

namespace ledger::projector::accounting {
namespace {

Decimal dec(const char* text) { return Decimal::parse(text).value(); }
Decimal dec_of(double value) {
  return Decimal::from_units(static_cast<__int128>(std::llround(value * 1e8)));
}

constexpr TimeUs kNoon = kMicrosPerDay / 2;
// The curves here are a few days long: statistics from the smallest history allowed.
constexpr StatisticsPolicy kShortHistory{.min_daily_returns = 2};

EquitySnapshot snapshot_at(TimeUs at_us, double equity, double capital) {
  EquitySnapshot s;
  s.at_us = at_us;
  s.capital = dec_of(capital);
  s.total_value = dec_of(equity);
  s.total_pnl = dec_of(equity - capital);
  s.roi_pct = dec_of((equity - capital) / capital * 100.0);
  return s;
}

RoundTrip trip_with_net(const char* net, TimeUs duration_us) {
  RoundTrip trip;
  trip.pnl_gross = Amount::from_decimal(dec(net)) + Amount::from_decimal(dec("0.5"));
  trip.fees = Amount::from_decimal(dec("0.5"));
  trip.opened_at_us = 1000;
  trip.closed_at_us = 1000 + duration_us;
  return trip;
}

struct Stats {
  double mean = 0, stdev = 0, downside = 0;
};
Stats stats(const std::vector<double>& r) {
  Stats s;
  const double n = static_cast<double>(r.size());
  for (double x : r) s.mean += x / n;
  for (double x : r) s.stdev += (x - s.mean) * (x - s.mean);
  s.stdev = std::sqrt(s.stdev / (n - 1));
  for (double x : r) s.downside += x < 0 ? x * x : 0;
  s.downside = std::sqrt(s.downside / n);
  return s;
}

TEST(PerformanceTracker, FiveDayEquityCurve) {
  // End-of-day equity 1000, 1010, 990, 1030, 1020 on days 0..4, capital 1000 throughout.
  // Day 1 has an earlier snapshot that the day's last one replaces.
  PerformanceTracker tracker;
  const std::vector<double> equity = {1000, 1010, 990, 1030, 1020};
  tracker.add_snapshot(snapshot_at(0 * kMicrosPerDay + kNoon, 1000, 1000));
  tracker.add_snapshot(snapshot_at(1 * kMicrosPerDay + 1, 1200, 1000));
  for (int day = 1; day < 5; ++day) {
    tracker.add_snapshot(
        snapshot_at(day * kMicrosPerDay + kNoon, equity[static_cast<std::size_t>(day)], 1000));
  }
  const auto summary = tracker.summary(kShortHistory);
  ASSERT_TRUE(summary.ok());
  const std::vector<double> r = {10.0 / 1000, -20.0 / 1010, 40.0 / 990, -10.0 / 1030};
  const Stats s = stats(r);
  EXPECT_EQ(summary->snapshots, 6u);
  EXPECT_EQ(summary->daily_returns, 4u);
  EXPECT_NEAR(*summary->sharpe_ratio, s.mean / s.stdev * std::sqrt(365.0), 1e-9);
  EXPECT_NEAR(*summary->sortino_ratio, s.mean / s.downside * std::sqrt(365.0), 1e-9);
  EXPECT_NEAR(*summary->volatility_pct, s.stdev * std::sqrt(365.0) * 100, 1e-9);
  // P&L peaks: 200 (the 1200 intraday snapshot), falls to -10 (990): drawdown 210, on equity
  // 1200 at the peak.
  EXPECT_EQ(*summary->max_drawdown, dec("210"));
  EXPECT_NEAR(*summary->max_drawdown_pct, 210.0 / 1200 * 100, 1e-9);
  EXPECT_NEAR(*summary->total_return_pct, 2.0, 1e-12);
  const double days = (4.0 * 86400e6 + 43200e6 - 43200e6) / 86400e6;
  EXPECT_NEAR(*summary->annualized_return_pct, (std::pow(1.02, 365.0 / days) - 1) * 100, 1e-6);
  EXPECT_EQ(summary->first_snapshot_at_us, kNoon);
  EXPECT_EQ(summary->last_snapshot_at_us, 4 * kMicrosPerDay + kNoon);
}

TEST(PerformanceTracker, MissingDaysCarryEquityAndFlowsAreNotReturns) {
  // Day 0: 1000. Day 1: deposit 500 and +10 P&L -> 1510. Day 4 (days 2, 3 missing): 1540.
  PerformanceTracker tracker;
  tracker.add_snapshot(snapshot_at(kNoon, 1000, 1000));
  tracker.add_snapshot(snapshot_at(kMicrosPerDay + kNoon, 1510, 1500));
  tracker.add_snapshot(snapshot_at(4 * kMicrosPerDay + kNoon, 1540, 1500));
  const auto returns = daily_returns({{0, dec("1000"), dec("1000")},
                                      {1, dec("1510"), dec("1500")},
                                      {4, dec("1540"), dec("1500")}});
  ASSERT_EQ(returns.observed.size(), 2u);
  EXPECT_NEAR(returns.observed[0], 10.0 / 1000, 1e-15);
  EXPECT_NEAR(returns.observed[1], 30.0 / 1510, 1e-15);
  EXPECT_EQ(returns.carried_days, 2u);
  const Stats s = stats({10.0 / 1000, 0, 0, 30.0 / 1510});
  const auto summary = tracker.summary(kShortHistory);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->daily_returns, 4u);
  EXPECT_NEAR(*summary->sharpe_ratio, s.mean / s.stdev * std::sqrt(365.0), 1e-9);
  EXPECT_FALSE(summary->sortino_ratio.has_value()) << "no negative return: undefined";
  EXPECT_EQ(*summary->max_drawdown, dec("0"));
}

TEST(PerformanceTracker, TradeStatistics) {
  PerformanceTracker tracker;
  for (const char* net : {"10", "-5", "0", "20", "-15"})
    tracker.add_round_trip(trip_with_net(net, 60));
  const auto s = tracker.summary(kShortHistory);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->round_trips, 5u);
  EXPECT_EQ(s->wins, 2u);
  EXPECT_EQ(s->losses, 2u);
  EXPECT_EQ(s->breakevens, 1u);
  EXPECT_DOUBLE_EQ(*s->win_rate_pct, 40.0);
  EXPECT_EQ(s->gross_profit, dec("30"));
  EXPECT_EQ(s->gross_loss, dec("-20"));
  EXPECT_EQ(s->net_pnl, dec("10"));
  EXPECT_EQ(s->fees, dec("2.5"));
  EXPECT_EQ(*s->average_win, dec("15"));
  EXPECT_EQ(*s->average_loss, dec("-10"));
  EXPECT_EQ(*s->largest_win, dec("20"));
  EXPECT_EQ(*s->largest_loss, dec("-15"));
  EXPECT_DOUBLE_EQ(*s->profit_factor, 1.5);
  EXPECT_EQ(*s->expectancy, dec("2"));
  EXPECT_EQ(*s->average_duration_us, 60);
  // No snapshots: every equity figure is undefined, not zero.
  EXPECT_EQ(s->snapshots, 0u);
  EXPECT_FALSE(s->max_drawdown.has_value());
  EXPECT_FALSE(s->sharpe_ratio.has_value());
  EXPECT_FALSE(s->total_return_pct.has_value());
}

TEST(PerformanceTracker, AveragesRoundHalfEven) {
  PerformanceTracker tracker;
  for (const char* net : {"0.00000001", "0.00000002", "0.00000002"})
    tracker.add_round_trip(trip_with_net(net, 1));
  const auto s = tracker.summary(kShortHistory);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s->average_win, dec("0.00000002"));  // 0.0000000166.. -> ...2
  tracker.add_round_trip(trip_with_net("0.00000001", 1));
  EXPECT_EQ(*tracker.summary(kShortHistory)->average_win,
            dec("0.00000002"));  // 0.000000015 -> even ...2
}

TEST(PerformanceTracker, UndefinedFiguresAreNullopt) {
  PerformanceTracker empty;
  const auto none = empty.summary(kShortHistory);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->win_rate_pct.has_value());
  EXPECT_FALSE(none->expectancy.has_value());
  EXPECT_FALSE(none->average_win.has_value());
  EXPECT_FALSE(none->profit_factor.has_value());
  EXPECT_FALSE(none->max_drawdown.has_value());

  PerformanceTracker one;  // one snapshot: no return, no ratio
  one.add_snapshot(snapshot_at(kNoon, 1000, 1000));
  one.add_round_trip(trip_with_net("3", 5));
  const auto s = one.summary(kShortHistory);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->daily_returns, 0u);
  EXPECT_FALSE(s->sharpe_ratio.has_value());
  EXPECT_FALSE(s->sortino_ratio.has_value());
  EXPECT_FALSE(s->volatility_pct.has_value());
  EXPECT_FALSE(s->annualized_return_pct.has_value()) << "less than a day";
  EXPECT_FALSE(s->profit_factor.has_value()) << "no losses";
  EXPECT_FALSE(s->average_loss.has_value());

  PerformanceTracker flat;  // two identical days: stdev 0, Sharpe undefined
  flat.add_snapshot(snapshot_at(kNoon, 1000, 1000));
  flat.add_snapshot(snapshot_at(kMicrosPerDay + kNoon, 1000, 1000));
  flat.add_snapshot(snapshot_at(2 * kMicrosPerDay + kNoon, 1000, 1000));
  const auto f = flat.summary(kShortHistory);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->daily_returns, 2u);
  EXPECT_DOUBLE_EQ(*f->volatility_pct, 0.0);
  EXPECT_FALSE(f->sharpe_ratio.has_value());
  EXPECT_DOUBLE_EQ(*f->annualized_return_pct, 0.0);
}

// "Computed exactly, rounded once" (issue 16): each figure below differs in its last shown
// digit when it is computed from the already-rounded figures instead of the exact ones.
Amount exact(const char* text) { return Amount::parse(text).value(); }

EquitySnapshot exact_snapshot_at(TimeUs at_us, const char* total_pnl, const char* capital) {
  EquitySnapshot s;
  s.at_us = at_us;
  s.total_pnl_exact = exact(total_pnl);
  s.capital_exact = exact(capital);
  s.total_pnl = s.total_pnl_exact->to_decimal();
  s.capital = s.capital_exact->to_decimal();
  s.total_value = (*s.capital_exact + *s.total_pnl_exact).to_decimal();
  return s;
}

TEST(PerformanceTracker, MaxDrawdownIsTheExactFallRoundedOnce) {
  // Peak 1.000000004 (shown 1.00000000), trough -0.000000004 (shown 0.00000000): the shown
  // points differ by 1.00000000, the exact fall 1.000000008 rounds to 1.00000001.
  PerformanceTracker tracker;
  tracker.add_snapshot(exact_snapshot_at(kNoon, "1.000000004", "1000"));
  tracker.add_snapshot(exact_snapshot_at(kNoon + 1, "-0.000000004", "1000"));
  const PerformanceSummary s = tracker.summary(kShortHistory).value();
  EXPECT_EQ(s.max_drawdown, dec("1.00000001"));
}

TEST(PerformanceTracker, MaxDrawdownSurvivesTheStateRoundTripExactly) {
  // The peak is kept at scale 16 in the saved state: 2.0000000049 - 0.0000000001 = 2.0000000048.
  PerformanceTracker tracker;
  tracker.add_snapshot(exact_snapshot_at(kNoon, "2.0000000049", "1000"));
  PerformanceTracker restored = tracker_from_json(tracker_to_json(tracker)).value();
  EXPECT_EQ(restored.state().peak_pnl, exact("2.0000000049"));
  restored.add_snapshot(exact_snapshot_at(kNoon + 1, "-0.0000000001", "1000"));
  EXPECT_EQ(restored.state().max_drawdown, exact("2.000000005"));
  EXPECT_EQ(restored.summary(kShortHistory).value().max_drawdown,
            dec("2.00000000"));  // half to even
}

TEST(PerformanceTracker, ProfitFactorDividesTheExactSums) {
  // Gross profit 1.000000004 (shown 1.00000000), gross loss -3 exactly: exact ratio
  // 0.333333334666..., from the shown sums 0.3333333333...
  PerformanceTracker tracker;
  RoundTrip win;
  win.pnl_gross = exact("1.000000004");
  win.opened_at_us = 0;
  win.closed_at_us = 1;
  RoundTrip loss = win;
  loss.pnl_gross = exact("-3");
  tracker.add_round_trip(win);
  tracker.add_round_trip(loss);
  const PerformanceSummary s = tracker.summary(kShortHistory).value();
  ASSERT_TRUE(s.profit_factor.has_value());
  EXPECT_DOUBLE_EQ(*s.profit_factor, 1.000000004 / 3.0);
  EXPECT_NE(*s.profit_factor, 1.0 / 3.0);
}

TEST(PerformanceTracker, TotalReturnIsTheExactRatioNotTheRoundedRoi) {
  // 1.2345678901234567 / 300 x 100 = 0.411522630041152...; the shown ROI keeps 8 places
  // (0.41152263), and the annualized return compounds the exact ratio, not the shown one.
  PerformanceTracker tracker;
  tracker.add_snapshot(exact_snapshot_at(kNoon, "0", "300"));
  EquitySnapshot last = exact_snapshot_at(kNoon + 2 * kMicrosPerDay, "1.2345678901234567", "300");
  last.roi_pct = dec("0.41152263");
  tracker.add_snapshot(last);
  const PerformanceSummary s = tracker.summary(kShortHistory).value();
  const double exact_pct = 1.2345678901234567 / 300.0 * 100.0;
  ASSERT_TRUE(s.total_return_pct.has_value());
  EXPECT_DOUBLE_EQ(*s.total_return_pct, exact_pct);
  EXPECT_NE(*s.total_return_pct, 0.41152263);  // the shown ROI
  ASSERT_TRUE(s.annualized_return_pct.has_value());
  const double annualized = (std::pow(1.0 + exact_pct / 100.0, 365.0 / 2.0) - 1.0) * 100.0;
  EXPECT_NEAR(*s.annualized_return_pct, annualized, std::abs(annualized) * 1e-12);
}

TEST(PerformanceTracker, StateWithoutExactFiguresFallsBackToTheShownRoi) {
  PerformanceTracker::State state;
  state.snapshots = 1;
  state.first_at_us = kNoon;
  state.last_at_us = kNoon;
  state.last_roi_pct = dec("1.5");
  const PerformanceSummary s = PerformanceTracker(state).summary(kShortHistory).value();
  EXPECT_EQ(s.total_return_pct, 1.5);
}

TEST(PerformanceTracker, StatisticsBelowTheMinimumHistoryAreNullButCounted) {
  // 29 daily returns and a 29-day history: under the default minimum of 30 nothing is published;
  // one more day publishes every figure.
  PerformanceTracker tracker;
  for (int day = 0; day < 30; ++day) {
    tracker.add_snapshot(snapshot_at(day * kMicrosPerDay + kNoon, 1000 + (day % 3) * 10, 1000));
  }
  const PerformanceSummary short_history = tracker.summary().value();
  EXPECT_EQ(short_history.daily_returns, 29u);
  EXPECT_FALSE(short_history.volatility_pct.has_value());
  EXPECT_FALSE(short_history.sharpe_ratio.has_value());
  EXPECT_FALSE(short_history.sortino_ratio.has_value());
  EXPECT_FALSE(short_history.annualized_return_pct.has_value());
  EXPECT_TRUE(short_history.total_return_pct.has_value());  // not a statistic of the history
  tracker.add_snapshot(snapshot_at(30 * kMicrosPerDay + kNoon, 1000, 1000));
  const PerformanceSummary enough = tracker.summary().value();
  EXPECT_EQ(enough.daily_returns, 30u);
  EXPECT_TRUE(enough.volatility_pct.has_value());
  EXPECT_TRUE(enough.sharpe_ratio.has_value());
  EXPECT_TRUE(enough.sortino_ratio.has_value());
  EXPECT_TRUE(enough.annualized_return_pct.has_value());
}

TEST(PerformanceTracker, PeriodsPerYearScaleTheAnnualisedStatistics) {
  PerformanceTracker tracker;
  const std::vector<double> equity = {1000, 1010, 990, 1030, 1020};
  for (int day = 0; day < 5; ++day) {
    tracker.add_snapshot(
        snapshot_at(day * kMicrosPerDay + kNoon, equity[static_cast<std::size_t>(day)], 1000));
  }
  const PerformanceSummary crypto = tracker.summary(kShortHistory).value();
  const PerformanceSummary equities =
      tracker.summary({.min_daily_returns = 2, .periods_per_year = 252}).value();
  const std::vector<double> r = {0.01, -20.0 / 1010, 40.0 / 990, -10.0 / 1030};
  const Stats st = stats(r);
  EXPECT_NEAR(*equities.sharpe_ratio, st.mean / st.stdev * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(*equities.sortino_ratio, st.mean / st.downside * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(*equities.volatility_pct, st.stdev * std::sqrt(252.0) * 100, 1e-10);
  EXPECT_NEAR(*crypto.sharpe_ratio / *equities.sharpe_ratio, std::sqrt(365.0 / 252.0), 1e-12);
  // The annualized return compounds over calendar days whatever the periods per year.
  EXPECT_EQ(crypto.annualized_return_pct, equities.annualized_return_pct);
}

TEST(PerformanceTracker, SummaryDoesNotDependOnBatching) {
  PerformanceTracker whole, split;
  std::vector<EquitySnapshot> snaps;
  for (int i = 0; i < 20; ++i) {
    snaps.push_back(snapshot_at(i * kMicrosPerDay / 3, 1000 + (i * 37 % 11) - 5, 1000));
  }
  for (const auto& snap : snaps) whole.add_snapshot(snap);
  for (std::size_t i = 0; i < snaps.size(); ++i) {
    split.add_snapshot(snaps[i]);
    if (i % 4 == 0) {
      (void)split.summary(kShortHistory);
      PerformanceTracker copy = split;
      split = copy;
    }
  }
  EXPECT_TRUE(whole == split);
  EXPECT_EQ(whole.summary(kShortHistory)->sharpe_ratio, split.summary(kShortHistory)->sharpe_ratio);
}

}  // namespace
}  // namespace ledger::projector::accounting
