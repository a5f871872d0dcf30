// Netting with an exact average cost: how one fill changes one position.
#include "ledger/projector/accounting/position.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace ledger::projector::accounting {
namespace {

Decimal signed_quantity(const Fill& fill) {
  return fill.side == FillSide::kBuy ? fill.quantity : -fill.quantity;
}

std::uint32_t effective_leverage(const Fill& fill) {
  return fill.leverage == 0 ? 1 : fill.leverage;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return id.empty() || std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Appends `id` unless present or the list is full (then sets `truncated`).
void push_bounded(std::vector<std::string>& ids, const std::string& id, bool& truncated) {
  if (contains(ids, id)) return;
  if (ids.size() >= kLineageIdsMax) {
    truncated = true;
    return;
  }
  ids.push_back(id);
}

const std::vector<std::string> kNoIds;

// A fresh open position holding `quantity` (signed, non-zero) bought or sold at the fill.
Position open_position(const Fill& fill, Decimal quantity, Amount fee, std::uint64_t number) {
  Position position;
  position.number = number;
  position.symbol = fill.symbol;
  position.status = PositionStatus::kOpen;
  position.quantity = quantity;
  position.cost_basis = Amount::product(quantity, fill.price);
  position.fees_paid = fee;
  position.mark_price = fill.price;
  position.marked_at_us = fill.occurred_at_us;
  position.leverage = effective_leverage(fill);
  position.opened_at_us = fill.occurred_at_us;
  position.updated_at_us = fill.occurred_at_us;
  position.strategy_id = fill.strategy_id;
  position.opening_decision_id = fill.decision_id;
  position.opening_order_id = fill.order_id;
  position.entry_quantity = quantity.abs();
  position.entry_value = Amount::product(quantity.abs(), fill.price);
  position.peak_quantity = quantity.abs();
  position.lineage.record(fill);
  return position;
}

RoundTrip make_round_trip(const Position& position, PositionSide side, TimeUs closed_at_us,
                          bool flip) {
  RoundTrip trip;
  trip.position_number = position.number;
  trip.symbol = position.symbol;
  trip.side = side;
  trip.strategy_id = position.strategy_id;
  trip.opening_decision_id = position.opening_decision_id;
  trip.opening_order_id = position.opening_order_id;
  trip.entry_quantity = position.entry_quantity;
  trip.entry_value = position.entry_value;
  trip.exit_quantity = position.exit_quantity;
  trip.exit_value = position.exit_value;
  trip.peak_quantity = position.peak_quantity;
  trip.opened_at_us = position.opened_at_us;
  trip.closed_at_us = closed_at_us;
  trip.pnl_gross = position.realized_pnl_gross;
  trip.fees = position.fees_paid;
  trip.ended_by_flip = flip;
  trip.lineage = position.lineage;
  return trip;
}

// Reduces an open position by `closed` (0 < closed <= |quantity|) at the fill price.
// Returns the realized P&L: sign(q) x closed x price - (the exact share of the cost basis).
Amount reduce(Position& position, Decimal closed, const Fill& fill) {
  const Decimal open_abs = position.quantity.abs();
  const Amount removed_cost =
      closed == open_abs ? position.cost_basis : proportion(position.cost_basis, closed, open_abs);
  const Amount closed_value = Amount::product(closed, fill.price);
  const Amount realized =
      position.quantity.is_positive() ? closed_value - removed_cost : -closed_value - removed_cost;
  position.quantity = position.quantity.is_positive() ? sub(position.quantity, closed)
                                                      : add(position.quantity, closed);
  position.cost_basis -= removed_cost;
  position.realized_pnl_gross += realized;
  position.exit_quantity = add(position.exit_quantity, closed);
  position.exit_value += closed_value;
  return realized;
}

// Always-on invariant check: a broken invariant stops loudly instead of writing wrong books.
void invariant(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "accounting invariant violated: %s\n", what);
  std::abort();
}

void touch(Position& position, const Fill& fill) {
  position.mark_price = fill.price;
  position.marked_at_us = fill.occurred_at_us;
  position.updated_at_us = fill.occurred_at_us;
}

}  // namespace

void Lineage::record(const Fill& fill) {
  ++fill_count_;
  // Clone the shared lists only when an id will really be added.
  auto needs = [this](const std::vector<std::string>& ids, const std::string& id) {
    if (contains(ids, id)) return false;
    if (ids.size() >= kLineageIdsMax) {
      ids_truncated_ = true;
      return false;
    }
    return true;
  };
  const bool add_decision = needs(decision_ids(), fill.decision_id);
  const bool add_order = needs(order_ids(), fill.order_id);
  if (!add_decision && !add_order) return;
  auto ids = ids_ ? std::make_shared<Ids>(*ids_) : std::make_shared<Ids>();
  push_bounded(ids->decision_ids, fill.decision_id, ids_truncated_);
  push_bounded(ids->order_ids, fill.order_id, ids_truncated_);
  ids_ = std::move(ids);
}

Lineage Lineage::restore(std::vector<std::string> decision_ids, std::vector<std::string> order_ids,
                         bool ids_truncated, std::uint64_t fill_count) {
  Lineage lineage;
  lineage.ids_truncated_ = ids_truncated;
  lineage.fill_count_ = fill_count;
  if (decision_ids.size() > kLineageIdsMax) decision_ids.resize(kLineageIdsMax);
  if (order_ids.size() > kLineageIdsMax) order_ids.resize(kLineageIdsMax);
  if (!decision_ids.empty() || !order_ids.empty()) {
    lineage.ids_ = std::make_shared<const Ids>(Ids{std::move(decision_ids), std::move(order_ids)});
  }
  return lineage;
}

const std::vector<std::string>& Lineage::decision_ids() const {
  return ids_ ? ids_->decision_ids : kNoIds;
}

const std::vector<std::string>& Lineage::order_ids() const {
  return ids_ ? ids_->order_ids : kNoIds;
}

bool operator==(const Lineage& a, const Lineage& b) {
  return a.fill_count_ == b.fill_count_ && a.ids_truncated_ == b.ids_truncated_ &&
         a.decision_ids() == b.decision_ids() && a.order_ids() == b.order_ids();
}

PositionSide Position::side() const {
  if (quantity.is_positive()) return PositionSide::kLong;
  if (quantity.is_negative()) return PositionSide::kShort;
  return PositionSide::kFlat;
}

std::optional<Decimal> Position::average_entry_price() const {
  if (quantity.is_zero()) return std::nullopt;
  return average_price(cost_basis, quantity);
}

Amount Position::unrealized_pnl_exact() const {
  if (quantity.is_zero()) return Amount();
  return Amount::product(quantity, mark_price) - cost_basis;
}

Decimal Position::margin_used_shown() const {
  return divide_to_decimal(notional_exact(), leverage == 0 ? 1 : leverage);
}

FillEffect apply_fill_to_position(Position& position, const Fill& fill) {
  const Decimal signed_qty = signed_quantity(fill);
  const Amount fee = Amount::from_decimal(fill.fee);
  FillEffect effect;
  if (position.quantity.is_zero()) {
    position = open_position(fill, signed_qty, fee, position.number + 1);
    effect.change = PositionChange::kOpened;
    return effect;
  }
  if (position.quantity.is_positive() == signed_qty.is_positive()) {
    position.quantity = add(position.quantity, signed_qty);
    position.cost_basis += Amount::product(signed_qty, fill.price);
    position.fees_paid += fee;
    position.leverage = effective_leverage(fill);
    position.entry_quantity = add(position.entry_quantity, fill.quantity);
    position.entry_value += Amount::product(fill.quantity, fill.price);
    position.peak_quantity = std::max(position.peak_quantity, position.quantity.abs());
    position.lineage.record(fill);
    touch(position, fill);
    effect.change = PositionChange::kIncreased;
    return effect;
  }
  const Decimal open_abs = position.quantity.abs();
  const PositionSide old_side = position.side();
  if (fill.quantity <= open_abs) {
    effect.realized_pnl_gross_delta = reduce(position, fill.quantity, fill);
    position.fees_paid += fee;
    position.lineage.record(fill);
    touch(position, fill);
    if (!position.quantity.is_zero()) {
      effect.change = PositionChange::kReduced;
      return effect;
    }
    invariant(position.cost_basis.is_zero(), "a flat position has a zero cost basis");
    effect.change = PositionChange::kClosed;
    effect.round_trip = make_round_trip(position, old_side, fill.occurred_at_us, false);
    position.status = PositionStatus::kClosed;
    position.closed_at_us = fill.occurred_at_us;
    return effect;
  }
  // Flip: close the old side completely, open the remainder on the other side.
  const Amount fee_close = proportion(fee, open_abs, fill.quantity);
  effect.realized_pnl_gross_delta = reduce(position, open_abs, fill);
  position.fees_paid += fee_close;
  position.lineage.record(fill);
  effect.round_trip = make_round_trip(position, old_side, fill.occurred_at_us, true);
  const Decimal remainder = sub(fill.quantity, open_abs);
  position = open_position(fill, signed_qty.is_positive() ? remainder : -remainder, fee - fee_close,
                           position.number + 1);
  effect.change = PositionChange::kFlipped;
  return effect;
}

void check_representable(const Position& position) {
  (void)position.realized_pnl_gross_shown();
  (void)position.fees_paid_shown();
  (void)position.realized_pnl_net_shown();
  (void)position.unrealized_pnl_shown();
  (void)position.margin_used_shown();
  (void)position.average_entry_price();
  (void)position.entry_value.to_decimal();
  (void)position.exit_value.to_decimal();
}

const char* to_string(FillSide side) { return side == FillSide::kBuy ? "buy" : "sell"; }

const char* to_string(PositionSide side) {
  switch (side) {
    case PositionSide::kLong:
      return "long";
    case PositionSide::kShort:
      return "short";
    case PositionSide::kFlat:
      break;
  }
  return "flat";
}

const char* to_string(PositionStatus status) {
  return status == PositionStatus::kOpen ? "open" : "closed";
}

const char* to_string(PositionChange change) {
  switch (change) {
    case PositionChange::kOpened:
      return "opened";
    case PositionChange::kIncreased:
      return "increased";
    case PositionChange::kReduced:
      return "reduced";
    case PositionChange::kClosed:
      return "closed";
    case PositionChange::kFlipped:
      return "flipped";
  }
  return "unknown";
}

}  // namespace ledger::projector::accounting
