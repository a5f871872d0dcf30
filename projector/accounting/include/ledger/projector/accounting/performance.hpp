// PerformanceTracker: trade statistics and equity-curve statistics for one agent or one
// strategy, from the round trips and equity snapshots the PositionBook produced.
//
// Owns: win/loss counts and money averages (exact, Decimal), drawdown, daily returns and the
// ratios built on them (Sharpe, Sortino, volatility: double, they are statistics, not money).
// Every formula, and what is reported when a figure is undefined, is in
// projector/accounting/README.md. Undefined figures are std::nullopt (SQL NULL), never a
// made-up number.
// Promises: deterministic; the summary depends only on the sequence of add_* calls, not on
// how they were batched. Memory: one entry per UTC day that has a snapshot.
// Thread safety: a value type; not thread-safe.
// Needs: round trips and snapshots in log order. Per strategy, feed only round trips (the
// equity curve is per agent): the equity figures then stay nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "ledger/projector/accounting/amount.hpp"
#include "ledger/projector/accounting/position.hpp"
#include "ledger/projector/accounting/position_book.hpp"
#include "ledger/projector/accounting/result.hpp"

namespace ledger::projector::accounting {

// Days per year for annualisation (crypto trades every day).
inline constexpr double kTradingDaysPerYear = 365.0;

// How much history a statistic needs and how it is annualised (README: "Minimum history").
struct StatisticsPolicy {
  // Volatility, Sharpe and Sortino are published from at least this many daily returns, the
  // annualized return from a history at least this many days long; below it they are nullopt
  // (the summary still says how many returns there were). At least 2 is always required.
  std::uint64_t min_daily_returns = 30;
  // Daily returns per year: sqrt of it annualises volatility, Sharpe and Sortino. 365 (the
  // default) matches the daily series here, which counts every calendar day; 252 is the
  // equity-market convention.
  double periods_per_year = kTradingDaysPerYear;
};

// Daily returns of end-of-day points (days ascending, one point per day):
// r_d = (E_d - E_{d-1} - (C_d - C_{d-1})) / E_{d-1} between consecutive points whose earlier
// equity E_{d-1} > 0 (otherwise that return is undefined and left out). A calendar day without
// a snapshot carries the previous equity forward: its return is 0. Those zero days are
// counted, not stored, so a long gap costs no memory.
struct DailyReturns {
  std::vector<double> observed;    // one per day with a snapshot after the first
  std::uint64_t carried_days = 0;  // days without a snapshot between the first and the last
  std::uint64_t count() const { return observed.size() + carried_days; }
};
struct EndOfDay {
  std::int64_t day = 0;  // UTC day number
  Decimal equity;        // total value at the end of the day
  Decimal capital;       // capital at the end of the day
  friend bool operator==(const EndOfDay&, const EndOfDay&) = default;
};
DailyReturns daily_returns(const std::vector<EndOfDay>& days);

struct PerformanceSummary {
  // Trades: one per round trip, classified by exact net P&L (> 0 win, < 0 loss, 0 breakeven).
  std::uint64_t round_trips = 0;
  std::uint64_t wins = 0;
  std::uint64_t losses = 0;
  std::uint64_t breakevens = 0;
  std::optional<double> win_rate_pct;   // wins / round_trips x 100
  Decimal gross_profit;                 // sum of winners' net P&L (>= 0)
  Decimal gross_loss;                   // sum of losers' net P&L (<= 0)
  Decimal net_pnl;                      // sum of all net P&L
  Decimal fees;                         // sum of round-trip fees
  std::optional<Decimal> average_win;   // gross_profit / wins
  std::optional<Decimal> average_loss;  // gross_loss / losses (<= 0)
  std::optional<Decimal> largest_win;
  std::optional<Decimal> largest_loss;
  std::optional<double> profit_factor;        // exact gross_profit / |exact gross_loss|
  std::optional<Decimal> expectancy;          // net_pnl / round_trips
  std::optional<TimeUs> average_duration_us;  // mean round-trip duration, truncated

  // Equity curve (per agent).
  std::uint64_t snapshots = 0;
  std::optional<Decimal> max_drawdown;          // largest fall of total P&L below its running peak
  std::optional<double> max_drawdown_pct;       // that fall / equity at the peak x 100 (largest)
  std::uint64_t daily_returns = 0;              // count of daily returns the figures rest on
  std::optional<double> volatility_pct;         // sample stdev of daily returns x sqrt(P) x 100
  std::optional<double> sharpe_ratio;           // mean / stdev x sqrt(P), risk-free 0
  std::optional<double> sortino_ratio;          // mean / downside deviation x sqrt(P)
  std::optional<double> total_return_pct;       // latest exact total_pnl / capital x 100
  std::optional<double> annualized_return_pct;  // ((1+R)^(365/days) - 1) x 100
  std::optional<TimeUs> first_snapshot_at_us;
  std::optional<TimeUs> last_snapshot_at_us;
};

class PerformanceTracker {
 public:
  // The complete state, exposed so a projector can persist and restore it exactly
  // (state_json.hpp). Callers change it only through add_*.
  struct State {
    // Trades.
    std::uint64_t round_trips = 0, wins = 0, losses = 0;
    Amount gross_profit, gross_loss, fees;
    std::optional<Amount> largest_win, largest_loss;
    std::int64_t duration_sum_us = 0;  // saturates at INT64_MAX (~292 000 years)
    // Equity curve.
    std::uint64_t snapshots = 0;
    std::optional<TimeUs> first_at_us, last_at_us;
    Amount peak_pnl;  // running peak of the exact total_pnl, starting at 0 (the account's start)
    Amount max_drawdown;  // exact: the peak minus the exact total_pnl, rounded once when shown
    std::optional<double> max_drawdown_pct;
    std::optional<Decimal> last_roi_pct;  // the latest snapshot's shown ROI (older state only)
    // The latest snapshot's exact total P&L and capital: the total return is their ratio.
    std::optional<Amount> last_total_pnl, last_capital;
    std::vector<EndOfDay> days;  // day = floor(at_us / 86400e6), ascending
    friend bool operator==(const State&, const State&) = default;
  };

  PerformanceTracker() = default;
  explicit PerformanceTracker(State state) : s_(std::move(state)) {}
  const State& state() const { return s_; }

  // Sums are exact; they throw AccountingOverflow only past 10^22 of money.
  void add_round_trip(const RoundTrip& trip);
  void add_snapshot(const EquitySnapshot& snapshot);
  // O(days with a snapshot). Errors: kOverflow (a money average outside NUMERIC(24,8)).
  // Figures below the policy's minimum history are nullopt.
  Result<PerformanceSummary> summary(const StatisticsPolicy& policy = {}) const;

  friend bool operator==(const PerformanceTracker&, const PerformanceTracker&) = default;

 private:
  State s_;
};

// For statistics only (never for money): the nearest double.
double to_double(Decimal value);
double to_double(Amount value);

}  // namespace ledger::projector::accounting
