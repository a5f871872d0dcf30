// The order state machine (DESIGN.md): new -> accepted -> partially_filled -> filled, or
// canceled / rejected / expired from any open state. Breaking it is a rejection.
#include <nlohmann/json.hpp>
#include <variant>

#include "applier.hpp"

namespace ledger::projector {
namespace {

using ledger::v1::Event;
using ledger::v1::OrderPlaced;
constexpr __int128 kUnitsMax =
    static_cast<__int128>(1'000'000'000'000) * 1'000'000'000'000;  // 1e24

std::string side_name(OrderPlaced::Side side) { return side == OrderPlaced::BUY ? "buy" : "sell"; }

std::string order_type_name(OrderPlaced::OrderType type) {
  switch (type) {
    case OrderPlaced::MARKET:
      return "market";
    case OrderPlaced::LIMIT:
      return "limit";
    case OrderPlaced::STOP:
      return "stop";
    case OrderPlaced::STOP_LIMIT:
      return "stop_limit";
    case OrderPlaced::TRAILING_STOP:
      return "trailing_stop";
    default:
      return "unspecified";
  }
}

std::optional<Decimal> optional_decimal(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return Decimal::parse(text);
}

// a / b rounded half away from zero. REQUIRES: b > 0.
__int128 divide_rounded(__int128 a, __int128 b) {
  const __int128 quotient = a / b;
  const __int128 remainder = a % b;
  const __int128 twice = (remainder < 0 ? -remainder : remainder) * 2;
  if (twice >= b) return a < 0 ? quotient - 1 : quotient + 1;
  return quotient;
}

Rejection missing_order(RejectReason reason, const std::string& order_id) {
  return Rejection{reason, "order " + order_id + " was never placed by this agent"};
}

// What an accepted / canceled / rejected / expired event asks of its order.
struct Transition {
  std::string order_id;
  std::string reason;
  OrderStatus target = OrderStatus::kAccepted;
};

Transition transition_of(const Event& event) {
  switch (event.payload_case()) {
    case Event::kOrderAccepted:
      return {event.order_accepted().order_id(), "", OrderStatus::kAccepted};
    case Event::kOrderCanceled:
      return {event.order_canceled().order_id(), event.order_canceled().reason(),
              OrderStatus::kCanceled};
    case Event::kOrderRejected:
      return {event.order_rejected().order_id(), event.order_rejected().reason(),
              OrderStatus::kRejected};
    default:
      return {event.order_expired().order_id(), event.order_expired().reason(),
              OrderStatus::kExpired};
  }
}

// Why `order` may not make `transition`, or nullopt.
Outcome refuse_transition(const OrderState& order, const Transition& transition) {
  if (!is_open(order.status)) {
    return Rejection{RejectReason::kTransitionFromClosed,
                     std::string("order ") + transition.order_id + " is already " +
                         order_status_name(order.status) + ", cannot become " +
                         order_status_name(transition.target)};
  }
  if (transition.target == OrderStatus::kAccepted && order.status != OrderStatus::kNew) {
    return Rejection{RejectReason::kInvalidTransition,
                     std::string("order ") + transition.order_id + " is " +
                         order_status_name(order.status) + ", only a new order can be accepted"};
  }
  return std::nullopt;
}

void stamp_transition(OrderState& order, const Event& event, const Transition& transition,
                      std::int64_t at_us) {
  switch (transition.target) {
    case OrderStatus::kAccepted:
      order.exchange_order_id = event.order_accepted().exchange_order_id();
      order.accepted_at_us = at_us;
      break;
    case OrderStatus::kCanceled:
      order.canceled_at_us = at_us;
      break;
    case OrderStatus::kRejected:
      order.rejected_at_us = at_us;
      break;
    default:
      order.expired_at_us = at_us;
      break;
  }
  order.status = transition.target;
  if (transition.target != OrderStatus::kAccepted) order.status_reason = transition.reason;
  order.updated_at_us = at_us;
  order.last_event_id = event.event_id();
  order.dirty = true;
}

// Why `fill` may not apply to `order` whatever its amounts (closed order, repeated fill_id).
Outcome refuse_fill(const OrderState& order, const ledger::v1::OrderFilled& fill) {
  if (order.status == OrderStatus::kCanceled) {
    return Rejection{RejectReason::kFillAfterCancel,
                     "order " + fill.order_id() + " was canceled before this fill"};
  }
  if (!is_open(order.status)) {
    return Rejection{
        RejectReason::kFillClosedOrder,
        std::string("order ") + fill.order_id() + " is already " + order_status_name(order.status)};
  }
  if (order.fill_ids.count(fill.fill_id()) != 0) {
    return Rejection{
        RejectReason::kDuplicateFillId,
        "fill_id " + fill.fill_id() + " was already applied to order " + fill.order_id()};
  }
  return std::nullopt;
}

// A fill's amounts and the order totals it leads to, checked to stay inside NUMERIC(24,8).
struct FillAmounts {
  Decimal quantity;
  Decimal filled;  // the order's filled quantity with this fill
  Decimal fees;    // the order's fees with this fill
  __int128 fill_notional_e16 = 0;
  __int128 notional_e16 = 0;  // the order's notional with this fill
};

std::variant<FillAmounts, Rejection> fill_amounts(const OrderState& order,
                                                  const ledger::v1::OrderFilled& fill) {
  const std::optional<Decimal> price = Decimal::parse(fill.price());
  const std::optional<Decimal> quantity = Decimal::parse(fill.quantity());
  const std::optional<Decimal> fee = fill.fee().empty() ? Decimal{} : Decimal::parse(fill.fee());
  if (!price || !quantity || !fee) {
    return Rejection{RejectReason::kInvalidField, "order_filled: price, quantity or fee"};
  }
  const std::optional<Decimal> filled = Decimal::checked_add(order.filled_quantity, *quantity);
  const std::optional<Decimal> fees = Decimal::checked_add(order.fees_total, *fee);
  FillAmounts amounts;
  if (!filled || !fees ||
      __builtin_mul_overflow(price->units(), quantity->units(), &amounts.fill_notional_e16) ||
      __builtin_add_overflow(order.notional_e16, amounts.fill_notional_e16,
                             &amounts.notional_e16) ||
      divide_rounded(amounts.fill_notional_e16, Decimal::kOne) >= kUnitsMax) {
    return Rejection{RejectReason::kArithmeticOverflow,
                     "fill amounts leave NUMERIC(24,8) for order " + fill.order_id()};
  }
  if (*filled > order.quantity) {
    return Rejection{RejectReason::kOverfill, "fill of " + quantity->to_string() +
                                                  " would bring order " + fill.order_id() + " to " +
                                                  filled->to_string() + ", above its quantity " +
                                                  order.quantity.to_string()};
  }
  amounts.quantity = *quantity;
  amounts.filled = *filled;
  amounts.fees = *fees;
  return amounts;
}

void stamp_fill(OrderState& order, const Event& event, const FillAmounts& amounts,
                std::int64_t at_us) {
  order.filled_quantity = amounts.filled;
  order.fees_total = amounts.fees;
  order.notional_e16 = amounts.notional_e16;
  order.average_fill_price =
      Decimal::from_units(divide_rounded(amounts.notional_e16, amounts.filled.units()));
  order.fill_ids.insert(event.order_filled().fill_id());
  ++order.fill_count;
  if (!order.first_fill_at_us) order.first_fill_at_us = at_us;
  order.last_fill_at_us = at_us;
  if (amounts.filled == order.quantity) {
    order.status = OrderStatus::kFilled;
    order.filled_at_us = at_us;
  } else {
    order.status = OrderStatus::kPartiallyFilled;
  }
  order.updated_at_us = at_us;
  order.last_event_id = event.event_id();
  order.dirty = true;
}

}  // namespace

void Applier::order_event_row(const DecodedEvent& event, std::optional<OrderStatus> from,
                              const OrderState& order) {
  rows_.order_events.push_back(OrderEventRow{&event, from, order.status});
}

Outcome Applier::order_placed(const DecodedEvent& decoded, const OrderState*& order_out) {
  const Event& event = decoded.event;
  const OrderPlaced& placed = event.order_placed();
  OrderKey key(event.agent_id(), placed.order_id());
  if (state_.orders.count(key) != 0) {
    return Rejection{RejectReason::kDuplicateOrderId,
                     "order_id " + placed.order_id() + " is already used by another order"};
  }
  if (Outcome bad = check_leverage(decoded, placed.leverage())) return bad;
  const std::optional<Decimal> quantity = Decimal::parse(placed.quantity());
  if (!quantity) return Rejection{RejectReason::kInvalidField, "order_placed.quantity"};
  OrderState& order = state_.orders[key];
  order.agent_id = event.agent_id();
  order.order_id = placed.order_id();
  order.decision_id = placed.decision_id();
  order.strategy_id = placed.strategy_id();
  order.signal_id = placed.signal_id();
  order.symbol = placed.symbol();
  order.correlation_id = event.correlation_id();
  order.side = side_name(placed.side());
  order.order_type = order_type_name(placed.order_type());
  order.quantity = *quantity;
  order.price = optional_decimal(placed.price());
  order.stop_price = optional_decimal(placed.stop_price());
  order.leverage = placed.leverage() == 0 ? 1 : placed.leverage();
  order.is_paper = placed.is_paper();
  order.status = OrderStatus::kNew;
  order.placed_at_us = decoded.occurred_at_us;
  order.updated_at_us = decoded.occurred_at_us;
  order.last_event_id = event.event_id();
  order.dirty = true;
  if (StrategySeen* seen = see_strategy(decoded, placed.strategy_id())) ++seen->orders;
  order_event_row(decoded, std::nullopt, order);
  order_out = &order;
  return std::nullopt;
}

Outcome Applier::order_transition(const DecodedEvent& decoded, const OrderState*& order_out) {
  const Event& event = decoded.event;
  const Transition transition = transition_of(event);
  const auto found = state_.orders.find(OrderKey(event.agent_id(), transition.order_id));
  if (found == state_.orders.end()) {
    return missing_order(RejectReason::kOrderUnknown, transition.order_id);
  }
  OrderState& order = found->second;
  if (Outcome refused = refuse_transition(order, transition)) return refused;
  const OrderStatus from = order.status;
  stamp_transition(order, event, transition, decoded.occurred_at_us);
  order_event_row(decoded, from, order);
  order_out = &order;
  if (transition.target == OrderStatus::kRejected) {
    nlohmann::json details = {{"order_id", transition.order_id},
                              {"reason", transition.reason},
                              {"symbol", order.symbol},
                              {"event_id", event.event_id()}};
    rows_.derived_system_events.push_back(DerivedSystemEvent{
        &decoded, "order_rejected", "warning",
        "order " + transition.order_id + " rejected by the exchange: " + transition.reason,
        details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
  return std::nullopt;
}

Outcome Applier::order_filled(const DecodedEvent& decoded, const OrderState*& order_out) {
  const Event& event = decoded.event;
  const ledger::v1::OrderFilled& fill = event.order_filled();
  const auto found = state_.orders.find(OrderKey(event.agent_id(), fill.order_id()));
  if (found == state_.orders.end()) {
    return missing_order(RejectReason::kFillUnknownOrder, fill.order_id());
  }
  OrderState& order = found->second;
  if (Outcome refused = refuse_fill(order, fill)) return refused;
  const std::variant<FillAmounts, Rejection> checked = fill_amounts(order, fill);
  if (const Rejection* rejection = std::get_if<Rejection>(&checked)) return *rejection;
  const FillAmounts& amounts = std::get<FillAmounts>(checked);
  const OrderStatus from = order.status;
  stamp_fill(order, event, amounts, decoded.occurred_at_us);
  rows_.fills.push_back(
      FillRow{&decoded, &order,
              Decimal::from_units(divide_rounded(amounts.fill_notional_e16, Decimal::kOne))});
  if (StrategySeen* seen = see_strategy(decoded, order.strategy_id)) ++seen->fills;
  order_event_row(decoded, from, order);
  order_out = &order;
  return std::nullopt;
}

}  // namespace ledger::projector
