// Trade and equity-curve statistics. Money sums are exact Amounts; ratios are double.
#include "ledger/projector/accounting/performance.hpp"

#include <algorithm>
#include <cmath>

namespace ledger::projector::accounting {
namespace {

std::int64_t utc_day(TimeUs at_us) {
  std::int64_t day = at_us / kMicrosPerDay;
  if (at_us % kMicrosPerDay < 0) --day;  // floor for times before 1970
  return day;
}

Decimal mean_of(Amount sum, std::uint64_t count) {
  return divide_to_decimal(sum, static_cast<__int128>(count));
}

struct Moments {
  double mean = 0;
  std::optional<double> stdev;         // sample (n - 1)
  std::optional<double> downside_dev;  // sqrt(sum(min(r, 0)^2) / n)
};

Moments moments(const DailyReturns& returns) {
  Moments result;
  const auto n = static_cast<double>(returns.count());
  if (returns.count() == 0) return result;
  double sum = 0, downside_sq = 0;
  for (double r : returns.observed) {
    sum += r;
    if (r < 0) downside_sq += r * r;
  }
  result.mean = sum / n;
  if (returns.count() < 2) return result;
  double squares = static_cast<double>(returns.carried_days) * result.mean * result.mean;
  for (double r : returns.observed) squares += (r - result.mean) * (r - result.mean);
  result.stdev = std::sqrt(squares / (n - 1));
  result.downside_dev = std::sqrt(downside_sq / n);
  return result;
}

void add_return_statistics(const std::vector<EndOfDay>& days, const StatisticsPolicy& policy,
                           PerformanceSummary& summary) {
  const DailyReturns returns = daily_returns(days);
  summary.daily_returns = returns.count();
  if (returns.count() < std::max<std::uint64_t>(2, policy.min_daily_returns)) return;
  const Moments m = moments(returns);
  const double annual = std::sqrt(policy.periods_per_year);
  if (m.stdev) {
    summary.volatility_pct = *m.stdev * annual * 100.0;
    if (*m.stdev > 0) summary.sharpe_ratio = m.mean / *m.stdev * annual;
  }
  if (m.downside_dev && *m.downside_dev > 0) {
    summary.sortino_ratio = m.mean / *m.downside_dev * annual;
  }
}

// The latest exact total P&L over the latest exact capital x 100 (nullopt when capital <= 0);
// state saved before the exact figures were kept falls back to the shown ROI.
std::optional<double> total_return_pct(const PerformanceTracker::State& s);

}  // namespace

double to_double(Decimal value) {
  return static_cast<double>(value.units()) / static_cast<double>(Decimal::kOne);
}

double to_double(Amount value) {
  return static_cast<double>(value.units()) / static_cast<double>(Amount::kOne);
}

DailyReturns daily_returns(const std::vector<EndOfDay>& days) {
  DailyReturns returns;
  for (std::size_t i = 1; i < days.size(); ++i) {
    const EndOfDay& before = days[i - 1];
    const EndOfDay& after = days[i];
    if (!before.equity.is_positive()) continue;
    const double flow = to_double(after.capital) - to_double(before.capital);
    returns.observed.push_back((to_double(after.equity) - to_double(before.equity) - flow) /
                               to_double(before.equity));
    returns.carried_days += static_cast<std::uint64_t>(after.day - before.day - 1);
  }
  return returns;
}

void PerformanceTracker::add_round_trip(const RoundTrip& trip) {
  const Amount net = trip.pnl_net();
  ++s_.round_trips;
  s_.fees += trip.fees;
  if (__builtin_add_overflow(s_.duration_sum_us, trip.duration_us(), &s_.duration_sum_us)) {
    s_.duration_sum_us = INT64_MAX;
  }
  if (net.is_positive()) {
    ++s_.wins;
    s_.gross_profit += net;
    s_.largest_win = s_.largest_win ? std::max(*s_.largest_win, net) : net;
  } else if (net.is_negative()) {
    ++s_.losses;
    s_.gross_loss += net;
    s_.largest_loss = s_.largest_loss ? std::min(*s_.largest_loss, net) : net;
  }
}

void PerformanceTracker::add_snapshot(const EquitySnapshot& snapshot) {
  ++s_.snapshots;
  if (!s_.first_at_us) s_.first_at_us = snapshot.at_us;
  s_.last_at_us = snapshot.at_us;
  s_.last_roi_pct = snapshot.roi_pct;
  // Drawdown on the exact total P&L curve (capital flows are not losses), rounded once when
  // shown. Amounts of Decimals cannot overflow here (|x| < 10^16 each).
  const Amount total_pnl =
      snapshot.total_pnl_exact.value_or(Amount::from_decimal(snapshot.total_pnl));
  const Amount capital = snapshot.capital_exact.value_or(Amount::from_decimal(snapshot.capital));
  s_.last_total_pnl = total_pnl;
  s_.last_capital = capital;
  s_.peak_pnl = std::max(s_.peak_pnl, total_pnl);
  const Amount drawdown = s_.peak_pnl - total_pnl;
  s_.max_drawdown = std::max(s_.max_drawdown, drawdown);
  const Amount equity_at_peak = capital + s_.peak_pnl;
  if (equity_at_peak.is_positive()) {
    const double pct = to_double(drawdown) / to_double(equity_at_peak) * 100.0;
    s_.max_drawdown_pct = std::max(s_.max_drawdown_pct.value_or(0.0), pct);
  }
  // End of day: the day's last snapshot wins; a time earlier than the latest day (an agent
  // clock going back) counts toward the latest day.
  const std::int64_t day = utc_day(snapshot.at_us);
  if (!s_.days.empty() && day <= s_.days.back().day) {
    s_.days.back().equity = snapshot.total_value;
    s_.days.back().capital = snapshot.capital;
  } else {
    s_.days.push_back({day, snapshot.total_value, snapshot.capital});
  }
}

Result<PerformanceSummary> PerformanceTracker::summary(const StatisticsPolicy& policy) const {
  PerformanceSummary s;
  try {
    s.round_trips = s_.round_trips;
    s.wins = s_.wins;
    s.losses = s_.losses;
    s.breakevens = s_.round_trips - s_.wins - s_.losses;
    s.gross_profit = s_.gross_profit.to_decimal();
    s.gross_loss = s_.gross_loss.to_decimal();
    s.net_pnl = (s_.gross_profit + s_.gross_loss).to_decimal();
    s.fees = s_.fees.to_decimal();
    if (s_.round_trips > 0) {
      s.win_rate_pct = static_cast<double>(s_.wins) / static_cast<double>(s_.round_trips) * 100.0;
      s.expectancy = mean_of(s_.gross_profit + s_.gross_loss, s_.round_trips);
      s.average_duration_us = s_.duration_sum_us / static_cast<std::int64_t>(s_.round_trips);
    }
    if (s_.wins > 0) s.average_win = mean_of(s_.gross_profit, s_.wins);
    if (s_.losses > 0) {
      s.average_loss = mean_of(s_.gross_loss, s_.losses);
      // From the exact sums (the shown ones are rounded).
      s.profit_factor = to_double(s_.gross_profit) / -to_double(s_.gross_loss);
    }
    if (s_.largest_win) s.largest_win = s_.largest_win->to_decimal();
    if (s_.largest_loss) s.largest_loss = s_.largest_loss->to_decimal();
  } catch (const AccountingOverflow& error) {
    return AccountingError{AccountingErrc::kOverflow,
                           std::string("performance summary: ") + error.what()};
  }
  s.snapshots = s_.snapshots;
  if (s_.snapshots == 0) return s;
  s.first_snapshot_at_us = s_.first_at_us;
  s.last_snapshot_at_us = s_.last_at_us;
  try {
    s.max_drawdown = s_.max_drawdown.to_decimal();
  } catch (const AccountingOverflow& error) {
    return AccountingError{AccountingErrc::kOverflow,
                           std::string("performance summary: ") + error.what()};
  }
  s.max_drawdown_pct = s_.max_drawdown_pct;
  add_return_statistics(s_.days, policy, s);
  s.total_return_pct = total_return_pct(s_);
  const double span_days =
      static_cast<double>(*s_.last_at_us - *s_.first_at_us) / static_cast<double>(kMicrosPerDay);
  const double min_span_days =
      static_cast<double>(std::max<std::uint64_t>(1, policy.min_daily_returns));
  if (s.total_return_pct && span_days >= min_span_days && 1.0 + *s.total_return_pct / 100.0 > 0) {
    s.annualized_return_pct =
        (std::pow(1.0 + *s.total_return_pct / 100.0, kTradingDaysPerYear / span_days) - 1.0) *
        100.0;
  }
  return s;
}

namespace {
std::optional<double> total_return_pct(const PerformanceTracker::State& s) {
  if (s.last_total_pnl && s.last_capital) {
    if (!s.last_capital->is_positive()) return std::nullopt;
    return to_double(*s.last_total_pnl) / to_double(*s.last_capital) * 100.0;
  }
  if (s.last_roi_pct) return to_double(*s.last_roi_pct);
  return std::nullopt;
}
}  // namespace

}  // namespace ledger::projector::accounting
