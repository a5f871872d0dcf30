// An order's life in the demo: placed, then rejected by the exchange, or accepted and then
// canceled, expired, partially filled and canceled, or filled in one or two parts.
#include <fmt/format.h>

#include <array>

#include "sim_state.hpp"

namespace ledger::producer::demo {

using events::Decimal;
using ledger::v1::OrderFilled;
using ledger::v1::OrderPlaced;
using State = Simulator::State;

namespace {

struct OrderContext {
  const OrderIntent* intent = nullptr;
  std::string order_id;
  bool limit = false;
  Decimal limit_price;
  Lineage lineage;  // causation_id moves along the chain
  int fills = 0;
};

void emit_fill(State& state, AgentState& agent, OrderContext& order, Decimal quantity) {
  const std::size_t symbol = order.intent->symbol;
  const Decimal price = order.limit ? order.limit_price
                                    : state.market.shifted(symbol, state.market.mark(symbol),
                                                           state.market_rng.between(-4, 4));
  const Decimal notional = Decimal::checked_mul_rounded(price, quantity).value_or(Decimal());
  const Decimal fee_rate = Decimal::from_units(order.limit ? 20'000 : 50'000);  // 2 or 5 bps
  auto& event = state.push(agent, order.lineage);
  auto& fill = *event.mutable_order_filled();
  fill.set_order_id(order.order_id);
  fill.set_fill_id(fmt::format("{}-f{}", order.order_id, ++order.fills));
  fill.set_price(price.to_string());
  fill.set_quantity(quantity.to_string());
  fill.set_fee(Decimal::checked_mul_rounded(notional, fee_rate).value_or(Decimal()).to_string());
  fill.set_fee_currency("USD");
  fill.set_liquidity(order.limit ? OrderFilled::MAKER : OrderFilled::TAKER);
  fill.set_exchange_trade_id(fmt::format("T{}", ++state.exchange_counter));
  order.lineage.causation_id = event.event_id();
  auto& position = agent.position_units[symbol];
  position += order.intent->buy ? quantity.units() : -quantity.units();
}

void emit_end(State& state, AgentState& agent, const OrderContext& order, bool expire) {
  static constexpr std::array<const char*, 2> kCancelReasons{
      "canceled by agent: signal reversed before the fill", "timeout: unfilled after 30 s"};
  auto& event = state.push(agent, order.lineage);
  if (expire) {
    auto& expired = *event.mutable_order_expired();
    expired.set_order_id(order.order_id);
    expired.set_reason("good-til-time elapsed");
    return;
  }
  auto& canceled = *event.mutable_order_canceled();
  canceled.set_order_id(order.order_id);
  canceled.set_reason(kCancelReasons[state.market_rng.index(kCancelReasons.size())]);
}

// A part of `total`: 20..70 %, rounded down to 0.0001; zero when no proper part exists.
Decimal partial_of(Rng& rng, Decimal total) {
  const Decimal::Units step = Decimal::kOne / 10'000;
  Decimal::Units part = total.units() * rng.between(20, 70) / 100;
  part -= part % step;
  return Decimal::from_units(part > 0 && part < total.units() ? part : 0);
}

}  // namespace

void emit_order(State& state, AgentState& agent, const OrderIntent& intent,
                const std::string& decision_event_id) {
  auto& rng = state.market_rng;
  OrderContext order;
  order.intent = &intent;
  order.order_id = "ord-" + uuid_from(state.id_rng);
  order.limit = rng.percent(35);
  order.limit_price =
      state.market.shifted(intent.symbol, state.market.mark(intent.symbol), intent.buy ? -3 : 3);
  order.lineage = {intent.decision_id, decision_event_id};
  auto& placed_event = state.push(agent, order.lineage);
  auto& placed = *placed_event.mutable_order_placed();
  placed.set_order_id(order.order_id);
  placed.set_decision_id(intent.decision_id);
  placed.set_strategy_id(intent.strategy_id);
  placed.set_symbol(state.market.symbol(intent.symbol));
  placed.set_side(intent.buy ? OrderPlaced::BUY : OrderPlaced::SELL);
  placed.set_order_type(order.limit ? OrderPlaced::LIMIT : OrderPlaced::MARKET);
  placed.set_quantity(intent.quantity.to_string());
  if (order.limit) placed.set_price(order.limit_price.to_string());
  placed.set_leverage(intent.leverage);
  placed.set_is_paper(true);
  order.lineage.causation_id = placed_event.event_id();

  const std::int64_t roll = rng.between(0, 99);
  if (roll < 8) {
    static constexpr std::array<const char*, 3> kRejectReasons{
        "insufficient margin", "price outside the exchange's band", "symbol is reduce-only"};
    auto& rejected = *state.push(agent, order.lineage).mutable_order_rejected();
    rejected.set_order_id(order.order_id);
    rejected.set_reason(kRejectReasons[rng.index(kRejectReasons.size())]);
    return;
  }
  auto& accepted_event = state.push(agent, order.lineage);
  auto& accepted = *accepted_event.mutable_order_accepted();
  accepted.set_order_id(order.order_id);
  accepted.set_exchange_order_id(fmt::format("X{}", ++state.exchange_counter));
  order.lineage.causation_id = accepted_event.event_id();
  if (roll < 16) return emit_end(state, agent, order, roll < 10);
  const Decimal part = partial_of(rng, intent.quantity);
  if (roll < 32 && !part.is_zero()) {
    emit_fill(state, agent, order, part);
    return emit_end(state, agent, order, false);
  }
  if (roll < 55 && !part.is_zero()) {
    emit_fill(state, agent, order, part);
    emit_fill(state, agent, order, Decimal::checked_sub(intent.quantity, part).value_or(Decimal()));
    return;
  }
  emit_fill(state, agent, order, intent.quantity);
}

}  // namespace ledger::producer::demo
