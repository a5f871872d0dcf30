// PositionBook: validation, all-or-nothing application, book totals and equity snapshots.
#include "ledger/projector/accounting/position_book.hpp"

#include <utility>

#include "position_events.hpp"

namespace ledger::projector::accounting {
namespace {

AccountingError overflow_error(const std::string& where, const AccountingOverflow& error) {
  return {AccountingErrc::kOverflow, where + ": " + error.what()};
}

std::optional<AccountingError> validate(const Fill& fill) {
  const std::string where = "fill " + fill.fill_id + " of order " + fill.order_id + " for " +
                            (fill.symbol.empty() ? std::string("<no symbol>") : fill.symbol);
  if (fill.symbol.empty())
    return AccountingError{AccountingErrc::kInvalidFill, where + ": empty symbol"};
  if (!fill.price.is_positive()) {
    return AccountingError{AccountingErrc::kInvalidFill,
                           where + ": price " + fill.price.to_string() + " is not > 0"};
  }
  if (!fill.quantity.is_positive()) {
    return AccountingError{AccountingErrc::kInvalidFill,
                           where + ": quantity " + fill.quantity.to_string() + " is not > 0"};
  }
  if (fill.side != FillSide::kBuy && fill.side != FillSide::kSell) {
    return AccountingError{AccountingErrc::kInvalidFill, where + ": unknown side"};
  }
  return std::nullopt;
}

void check_totals(const BookTotals& totals) {
  (void)totals.realized_pnl_gross.to_decimal();
  (void)totals.fees_paid.to_decimal();
  (void)(totals.realized_pnl_gross - totals.fees_paid).to_decimal();
  (void)totals.funding.to_decimal();
  (void)totals.net_deposits.to_decimal();
}

}  // namespace

PositionBook::PositionBook(std::string agent_id, Decimal initial_balance)
    : agent_id_(std::move(agent_id)), initial_balance_(initial_balance) {}

PositionBook PositionBook::restore(std::string agent_id, Decimal initial_balance,
                                   std::map<std::string, Position> positions, BookTotals totals) {
  PositionBook book(std::move(agent_id), initial_balance);
  book.positions_ = std::move(positions);
  book.totals_ = totals;
  return book;
}

const Position* PositionBook::find(const std::string& symbol) const {
  auto it = positions_.find(symbol);
  return it == positions_.end() ? nullptr : &it->second;
}

Result<ApplyResult> PositionBook::apply_fill(const Fill& fill) {
  if (auto error = validate(fill)) return *error;
  try {
    auto it = positions_.find(fill.symbol);
    Position position = it == positions_.end() ? Position() : it->second;
    FillEffect effect = apply_fill_to_position(position, fill);
    check_representable(position);
    BookTotals totals = totals_;
    totals.realized_pnl_gross += effect.realized_pnl_gross_delta;
    totals.fees_paid += Amount::from_decimal(fill.fee);
    totals.fills += 1;
    if (effect.round_trip) totals.round_trips += 1;
    check_totals(totals);
    ApplyResult result;
    result.events = position_events(agent_id_, fill, effect, position);
    result.position = position;
    result.change = effect.change;
    result.realized_pnl_gross_delta = effect.realized_pnl_gross_delta;
    result.fee = Amount::from_decimal(fill.fee);
    result.round_trip = std::move(effect.round_trip);
    // Commit: nothing below can fail.
    positions_.insert_or_assign(fill.symbol, std::move(position));
    totals_ = totals;
    return result;
  } catch (const AccountingOverflow& error) {
    return overflow_error("fill " + fill.fill_id + " for " + fill.symbol, error);
  }
}

Result<std::optional<Position>> PositionBook::apply_mark(const std::string& symbol, Decimal price,
                                                         TimeUs at_us) {
  if (symbol.empty())
    return AccountingError{AccountingErrc::kInvalidMark, "mark with an empty symbol"};
  if (!price.is_positive()) {
    return AccountingError{AccountingErrc::kInvalidMark,
                           "mark for " + symbol + ": price " + price.to_string() + " is not > 0"};
  }
  auto it = positions_.find(symbol);
  if (it == positions_.end() || it->second.status != PositionStatus::kOpen) {
    return std::optional<Position>();
  }
  try {
    Position position = it->second;
    position.mark_price = price;
    position.marked_at_us = at_us;
    position.updated_at_us = at_us;
    check_representable(position);
    it->second = position;
    return std::optional<Position>(std::move(position));
  } catch (const AccountingOverflow& error) {
    return overflow_error("mark for " + symbol, error);
  }
}

Result<BookTotals> PositionBook::apply_balance_adjustment(Decimal amount, AdjustmentReason reason,
                                                          TimeUs at_us) {
  (void)at_us;  // adjustments take effect in log order; the time is the caller's to record
  if (amount.is_zero()) {
    return AccountingError{AccountingErrc::kInvalidAdjustment,
                           std::string("balance adjustment (") + to_string(reason) + ") of zero"};
  }
  try {
    BookTotals totals = totals_;
    if (reason == AdjustmentReason::kFunding) {
      totals.funding += Amount::from_decimal(amount);
    } else {
      totals.net_deposits += Amount::from_decimal(amount);
    }
    check_totals(totals);
    totals_ = totals;
    return totals_;
  } catch (const AccountingOverflow& error) {
    return overflow_error("balance adjustment", error);
  }
}

Result<EquitySnapshot> PositionBook::snapshot(TimeUs at_us) const {
  try {
    Amount cost_total, position_value, exposure, margin;
    EquitySnapshot snap;
    snap.at_us = at_us;
    for (const auto& [symbol, position] : positions_) {
      if (position.quantity.is_zero()) continue;
      cost_total += position.cost_basis;
      position_value += Amount::product(position.quantity, position.mark_price);
      exposure += position.notional_exact();
      margin += Amount::from_decimal(position.margin_used_shown());
      snap.open_positions += 1;
    }
    const Amount capital = Amount::from_decimal(initial_balance_) + totals_.net_deposits;
    const Amount realized_net = totals_.realized_pnl_gross - totals_.fees_paid;
    const Amount unrealized = position_value - cost_total;
    const Amount total_pnl = realized_net + totals_.funding + unrealized;
    const Amount cash = capital + totals_.funding + realized_net - cost_total;
    snap.capital = capital.to_decimal();
    snap.cash = cash.to_decimal();
    snap.position_value = position_value.to_decimal();
    snap.total_value = (cash + position_value).to_decimal();
    snap.realized_pnl_gross = totals_.realized_pnl_gross.to_decimal();
    snap.fees_paid = totals_.fees_paid.to_decimal();
    snap.realized_pnl_net = realized_net.to_decimal();
    snap.funding = totals_.funding.to_decimal();
    snap.unrealized_pnl = unrealized.to_decimal();
    snap.total_pnl = total_pnl.to_decimal();
    snap.total_pnl_exact = total_pnl;
    snap.capital_exact = capital;
    if (capital.is_positive()) {
      // total_pnl / capital x 100 in 10^-8 units, rounded half to even.
      const __int128 roi_units = mul_div_half_even(total_pnl.units(), 100 * Amount::kPerDecimalUnit,
                                                   capital.units(), "ROI");
      snap.roi_pct =
          Amount::from_units(checked_mul(roi_units, Amount::kPerDecimalUnit, "ROI")).to_decimal();
    }
    snap.gross_exposure = exposure.to_decimal();
    snap.margin_used = margin.to_decimal();
    return snap;
  } catch (const AccountingOverflow& error) {
    return overflow_error("equity snapshot of agent " + agent_id_, error);
  }
}

const char* to_string(AdjustmentReason reason) {
  switch (reason) {
    case AdjustmentReason::kDeposit:
      return "deposit";
    case AdjustmentReason::kWithdrawal:
      return "withdrawal";
    case AdjustmentReason::kFunding:
      return "funding";
  }
  return "unknown";
}

const char* to_string(AccountingErrc code) {
  switch (code) {
    case AccountingErrc::kInvalidFill:
      return "invalid_fill";
    case AccountingErrc::kInvalidMark:
      return "invalid_mark";
    case AccountingErrc::kInvalidAdjustment:
      return "invalid_adjustment";
    case AccountingErrc::kOverflow:
      return "overflow";
    case AccountingErrc::kInvalidState:
      return "invalid_state";
  }
  return "unknown";
}

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
    case Severity::kCritical:
      return "critical";
  }
  return "unknown";
}

}  // namespace ledger::projector::accounting
