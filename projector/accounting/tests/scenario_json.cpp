#include "scenario_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace ledger::projector::accounting {
namespace {

using nlohmann::json;

json optional_decimal(const std::optional<Decimal>& value) {
  return value ? json(value->to_string()) : json(nullptr);
}

json optional_number(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

template <typename T>
json optional_int(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json seconds(TimeUs at_us) { return json(static_cast<double>(at_us) / 1e6); }

}  // namespace

Decimal decimal(const json& text) {
  std::string error;
  auto value = Decimal::parse(text.get<std::string>(), &error);
  if (!value) ADD_FAILURE() << "bad decimal " << text << ": " << error;
  return value.value_or(Decimal());
}

TimeUs time_us(const json& line) {
  return static_cast<TimeUs>(std::llround(line.at("t").get<double>() * 1e6));
}

Fill fill_from_json(const json& line) {
  Fill fill;
  fill.symbol = line.at("symbol").get<std::string>();
  fill.side = line.at("side").get<std::string>() == "buy" ? FillSide::kBuy : FillSide::kSell;
  fill.price = decimal(line.at("price"));
  fill.quantity = decimal(line.at("qty"));
  fill.fee = decimal(line.value("fee", json("0")));
  fill.occurred_at_us = time_us(line);
  fill.order_id = line.value("order", "");
  fill.decision_id = line.value("decision", "");
  fill.strategy_id = line.value("strategy", "");
  fill.fill_id = line.value("fill", "");
  fill.leverage = line.value("leverage", 1u);
  return fill;
}

AdjustmentReason adjustment_reason(const json& text) {
  const auto reason = text.get<std::string>();
  if (reason == "deposit") return AdjustmentReason::kDeposit;
  if (reason == "withdrawal") return AdjustmentReason::kWithdrawal;
  if (reason == "funding") return AdjustmentReason::kFunding;
  ADD_FAILURE() << "unknown reason " << reason;
  return AdjustmentReason::kDeposit;
}

json position_to_json(const Position& p) {
  return {{"number", p.number},
          {"status", to_string(p.status)},
          {"side", to_string(p.side())},
          {"quantity", p.quantity.to_string()},
          {"cost_basis", p.cost_basis.to_string()},
          {"avg_entry", optional_decimal(p.average_entry_price())},
          {"realized_gross", p.realized_pnl_gross_shown().to_string()},
          {"realized_gross_exact", p.realized_pnl_gross.to_string()},
          {"fees", p.fees_paid_shown().to_string()},
          {"realized_net", p.realized_pnl_net_shown().to_string()},
          {"unrealized", p.unrealized_pnl_shown().to_string()},
          {"unrealized_exact", p.unrealized_pnl_exact().to_string()},
          {"mark", p.mark_price.to_string()},
          {"notional", p.notional_shown().to_string()},
          {"margin", p.margin_used_shown().to_string()},
          {"leverage", p.leverage},
          {"opened_at", seconds(p.opened_at_us)},
          {"updated_at", seconds(p.updated_at_us)},
          {"closed_at", p.closed_at_us ? seconds(*p.closed_at_us) : json(nullptr)},
          {"strategy", p.strategy_id},
          {"opening_decision", p.opening_decision_id},
          {"opening_order", p.opening_order_id},
          {"peak_qty", p.peak_quantity.to_string()}};
}

json round_trip_to_json(const RoundTrip& t) {
  return {{"position_number", t.position_number},
          {"symbol", t.symbol},
          {"side", to_string(t.side)},
          {"strategy", t.strategy_id},
          {"entry_price", t.entry_price_average().to_string()},
          {"exit_price", t.exit_price_average().to_string()},
          {"quantity", t.entry_quantity.to_string()},
          {"peak_qty", t.peak_quantity.to_string()},
          {"opened_at", seconds(t.opened_at_us)},
          {"closed_at", seconds(t.closed_at_us)},
          {"duration_s", seconds(t.duration_us())},
          {"pnl_gross", t.pnl_gross.to_decimal().to_string()},
          {"pnl_gross_exact", t.pnl_gross.to_string()},
          {"fees", t.fees.to_decimal().to_string()},
          {"pnl_net", t.pnl_net().to_decimal().to_string()},
          {"ended_by_flip", t.ended_by_flip},
          {"decisions", t.lineage.decision_ids()},
          {"orders", t.lineage.order_ids()},
          {"fills", t.lineage.fill_count()}};
}

json snapshot_to_json(const EquitySnapshot& s) {
  return {{"at", seconds(s.at_us)},
          {"capital", s.capital.to_string()},
          {"cash", s.cash.to_string()},
          {"position_value", s.position_value.to_string()},
          {"total_value", s.total_value.to_string()},
          {"realized_gross", s.realized_pnl_gross.to_string()},
          {"fees", s.fees_paid.to_string()},
          {"realized_net", s.realized_pnl_net.to_string()},
          {"funding", s.funding.to_string()},
          {"unrealized", s.unrealized_pnl.to_string()},
          {"total_pnl", s.total_pnl.to_string()},
          {"roi_pct", optional_decimal(s.roi_pct)},
          {"gross_exposure", s.gross_exposure.to_string()},
          {"margin_used", s.margin_used.to_string()},
          {"open_positions", s.open_positions}};
}

json summary_to_json(const PerformanceSummary& s) {
  return {{"round_trips", s.round_trips},
          {"wins", s.wins},
          {"losses", s.losses},
          {"breakevens", s.breakevens},
          {"win_rate_pct", optional_number(s.win_rate_pct)},
          {"gross_profit", s.gross_profit.to_string()},
          {"gross_loss", s.gross_loss.to_string()},
          {"net_pnl", s.net_pnl.to_string()},
          {"fees", s.fees.to_string()},
          {"average_win", optional_decimal(s.average_win)},
          {"average_loss", optional_decimal(s.average_loss)},
          {"largest_win", optional_decimal(s.largest_win)},
          {"largest_loss", optional_decimal(s.largest_loss)},
          {"profit_factor", optional_number(s.profit_factor)},
          {"expectancy", optional_decimal(s.expectancy)},
          {"average_duration_s",
           s.average_duration_us ? seconds(*s.average_duration_us) : json(nullptr)},
          {"snapshots", s.snapshots},
          {"max_drawdown", optional_decimal(s.max_drawdown)},
          {"max_drawdown_pct", optional_number(s.max_drawdown_pct)},
          {"daily_returns", s.daily_returns},
          {"volatility_pct", optional_number(s.volatility_pct)},
          {"sharpe", optional_number(s.sharpe_ratio)},
          {"sortino", optional_number(s.sortino_ratio)},
          {"total_return_pct", optional_number(s.total_return_pct)},
          {"annualized_return_pct", optional_number(s.annualized_return_pct)},
          {"first_snapshot_at", optional_int(s.first_snapshot_at_us)},
          {"last_snapshot_at", optional_int(s.last_snapshot_at_us)}};
}

void expect_fields(const json& expected, const json& actual) {
  static const std::set<std::string> kSkip = {"op",    "agent",        "symbol_key",
                                              "index", "strategy_key", "exists"};
  for (const auto& [key, want] : expected.items()) {
    if (kSkip.count(key) != 0 || (key == "symbol" && !actual.contains("symbol")) ||
        (key == "strategy" && !actual.contains("strategy"))) {
      continue;
    }
    ASSERT_TRUE(actual.contains(key)) << "no field \"" << key << "\" to compare";
    const json& got = actual.at(key);
    if (want.is_null() || got.is_null()) {
      EXPECT_EQ(got, want) << "field " << key;
    } else if (want.is_number() && got.is_number()) {
      EXPECT_NEAR(got.get<double>(), want.get<double>(),
                  1e-9 * std::max(1.0, std::abs(want.get<double>())))
          << "field " << key;
    } else if (want.is_string() && got.is_string() && key.find("exact") == std::string::npos &&
               Decimal::parse(want.get<std::string>()) && Decimal::parse(got.get<std::string>())) {
      EXPECT_EQ(Decimal::parse(got.get<std::string>())->to_string(),
                Decimal::parse(want.get<std::string>())->to_string())
          << "field " << key;
    } else {
      EXPECT_EQ(got, want) << "field " << key;
    }
  }
}

}  // namespace ledger::projector::accounting
