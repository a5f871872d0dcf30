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

void add_return_statistics(const std::vector<EndOfDay>& days, PerformanceSummary& summary) {
  const DailyReturns returns = daily_returns(days);
  summary.daily_returns = returns.count();
  const Moments m = moments(returns);
  const double annual = std::sqrt(kTradingDaysPerYear);
  if (m.stdev) {
    summary.volatility_pct = *m.stdev * annual * 100.0;
    if (*m.stdev > 0) summary.sharpe_ratio = m.mean / *m.stdev * annual;
  }
  if (m.downside_dev && *m.downside_dev > 0) {
    summary.sortino_ratio = m.mean / *m.downside_dev * annual;
  }
}

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
  ++round_trips_;
  fees_ += trip.fees;
  duration_sum_us_ += trip.duration_us();
  if (net.is_positive()) {
    ++wins_;
    gross_profit_ += net;
    largest_win_ = largest_win_ ? std::max(*largest_win_, net) : net;
  } else if (net.is_negative()) {
    ++losses_;
    gross_loss_ += net;
    largest_loss_ = largest_loss_ ? std::min(*largest_loss_, net) : net;
  }
}

void PerformanceTracker::add_snapshot(const EquitySnapshot& snapshot) {
  ++snapshots_;
  if (!first_at_us_) first_at_us_ = snapshot.at_us;
  last_at_us_ = snapshot.at_us;
  last_roi_pct_ =
      snapshot.roi_pct ? std::optional<double>(to_double(*snapshot.roi_pct)) : std::nullopt;
  // Drawdown on the total P&L curve (capital flows are not losses).
  // Amounts of Decimals cannot overflow here (|x| < 10^16 each).
  peak_pnl_ = std::max(peak_pnl_, snapshot.total_pnl);
  const Amount drawdown =
      Amount::from_decimal(peak_pnl_) - Amount::from_decimal(snapshot.total_pnl);
  max_drawdown_ = std::max(max_drawdown_, drawdown);
  const Amount equity_at_peak =
      Amount::from_decimal(snapshot.capital) + Amount::from_decimal(peak_pnl_);
  if (equity_at_peak.is_positive()) {
    const double pct = to_double(drawdown) / to_double(equity_at_peak) * 100.0;
    max_drawdown_pct_ = std::max(max_drawdown_pct_.value_or(0.0), pct);
  }
  // End of day: the day's last snapshot wins; a time earlier than the latest day (an agent
  // clock going back) counts toward the latest day.
  const std::int64_t day = utc_day(snapshot.at_us);
  if (!days_.empty() && day <= days_.back().day) {
    days_.back().equity = snapshot.total_value;
    days_.back().capital = snapshot.capital;
  } else {
    days_.push_back({day, snapshot.total_value, snapshot.capital});
  }
}

Result<PerformanceSummary> PerformanceTracker::summary() const {
  PerformanceSummary s;
  try {
    s.round_trips = round_trips_;
    s.wins = wins_;
    s.losses = losses_;
    s.breakevens = round_trips_ - wins_ - losses_;
    s.gross_profit = gross_profit_.to_decimal();
    s.gross_loss = gross_loss_.to_decimal();
    s.net_pnl = (gross_profit_ + gross_loss_).to_decimal();
    s.fees = fees_.to_decimal();
    if (round_trips_ > 0) {
      s.win_rate_pct = static_cast<double>(wins_) / static_cast<double>(round_trips_) * 100.0;
      s.expectancy = mean_of(gross_profit_ + gross_loss_, round_trips_);
      s.average_duration_us =
          static_cast<TimeUs>(duration_sum_us_ / static_cast<__int128>(round_trips_));
    }
    if (wins_ > 0) s.average_win = mean_of(gross_profit_, wins_);
    if (losses_ > 0) {
      s.average_loss = mean_of(gross_loss_, losses_);
      s.profit_factor = to_double(s.gross_profit) / -to_double(s.gross_loss);
    }
    if (largest_win_) s.largest_win = largest_win_->to_decimal();
    if (largest_loss_) s.largest_loss = largest_loss_->to_decimal();
  } catch (const AccountingOverflow& error) {
    return AccountingError{AccountingErrc::kOverflow,
                           std::string("performance summary: ") + error.what()};
  }
  s.snapshots = snapshots_;
  if (snapshots_ == 0) return s;
  s.first_snapshot_at_us = first_at_us_;
  s.last_snapshot_at_us = last_at_us_;
  try {
    s.max_drawdown = max_drawdown_.to_decimal();
  } catch (const AccountingOverflow& error) {
    return AccountingError{AccountingErrc::kOverflow,
                           std::string("performance summary: ") + error.what()};
  }
  s.max_drawdown_pct = max_drawdown_pct_;
  add_return_statistics(days_, s);
  s.total_return_pct = last_roi_pct_;
  const double span_days =
      static_cast<double>(*last_at_us_ - *first_at_us_) / static_cast<double>(kMicrosPerDay);
  if (last_roi_pct_ && span_days >= 1.0 && 1.0 + *last_roi_pct_ / 100.0 > 0) {
    s.annualized_return_pct =
        (std::pow(1.0 + *last_roi_pct_ / 100.0, kTradingDaysPerYear / span_days) - 1.0) * 100.0;
  }
  return s;
}

}  // namespace ledger::projector::accounting
