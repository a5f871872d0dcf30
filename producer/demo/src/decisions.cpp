// The demo's decision cycle: an optional signal, a decision (HOLD included), and for trades the
// order that carries it out.
#include <algorithm>

#include "sim_state.hpp"

namespace ledger::producer::demo {

using events::Decimal;
using ledger::v1::DecisionMade;
using State = Simulator::State;

namespace {

DecisionMade::Action choose_action(State& state, const AgentState& agent, std::size_t symbol) {
  const std::int64_t view = strategy_view(state, agent, symbol) + state.market_rng.between(-25, 25);
  const Decimal::Units position = agent.position_units[symbol];
  if (position == 0) {
    if (view > 15) return DecisionMade::OPEN_LONG;
    if (view < -15) return DecisionMade::OPEN_SHORT;
    return DecisionMade::HOLD;
  }
  const bool against = position > 0 ? view < -5 : view > 5;
  return against || state.market_rng.percent(30) ? DecisionMade::CLOSE_POSITION
                                                 : DecisionMade::HOLD;
}

// Base quantity for a notional, rounded down to 0.0001 (at least 0.0001).
Decimal quantity_for(Decimal notional, Decimal mark) {
  const auto raw = Decimal::checked_div_rounded(notional, mark).value_or(Decimal());
  const Decimal::Units step = Decimal::kOne / 10'000;
  return Decimal::from_units(std::max(raw.units() - raw.units() % step, step));
}

void fill_decision(State& state, const AgentState& agent, const DecisionInput& input,
                   const std::string& decision_id, DecisionMade& decision, std::size_t symbol) {
  auto& rng = state.market_rng;
  decision.set_decision_id(decision_id);
  decision.set_action(input.action);
  decision.set_symbol(input.symbol);
  decision.set_size_usd(Decimal::from_int(input.size_usd).to_string());
  decision.set_leverage(input.leverage);
  const bool open =
      input.action == DecisionMade::OPEN_LONG || input.action == DecisionMade::OPEN_SHORT;
  if (open) {
    const std::int64_t sign = input.action == DecisionMade::OPEN_LONG ? 1 : -1;
    decision.set_stop_loss_price(state.market.shifted(symbol, input.mark, -sign * 250).to_string());
    decision.set_take_profit_price(
        state.market.shifted(symbol, input.mark, sign * 600).to_string());
  }
  decision.set_confidence(input.confidence);
  const DecisionText text = decision_text(*agent.profile, input);
  decision.set_reasoning(text.reasoning);
  decision.set_prompt_content(text.prompt);
  decision.set_llm_response(text.llm_response);
  decision.set_execution_time_ms(static_cast<std::uint32_t>(rng.between(350, 4'200)));
  decision.set_status(DecisionMade::SUCCESS);
  decision.set_strategy_id(std::string(agent.profile->strategy_id));
}

}  // namespace

void emit_decision_cycle(State& state, AgentState& agent) {
  auto& rng = state.market_rng;
  const std::size_t symbol = rng.index(state.market.size());
  std::string cause;
  if (rng.percent(60)) cause = emit_signal(state, agent, symbol);
  DecisionInput input;
  input.action = choose_action(state, agent, symbol);
  input.symbol = state.market.symbol(symbol);
  input.mark = state.market.mark(symbol);
  input.change_bps = state.market.change_bps(symbol);
  const bool trade = input.action != DecisionMade::HOLD;
  const std::int64_t balance_hundreds = agent.profile->initial_balance_usd / 400;
  const Decimal::Units position = agent.position_units[symbol];
  if (input.action == DecisionMade::CLOSE_POSITION) {
    const auto notional = Decimal::checked_mul_rounded(
        Decimal::from_units(position < 0 ? -position : position), input.mark);
    input.size_usd =
        static_cast<std::int64_t>(notional.value_or(Decimal()).units() / Decimal::kOne);
    input.closing_long = position > 0;
  } else if (trade) {
    input.size_usd = rng.between(5, std::max<std::int64_t>(5, balance_hundreds)) * 100;
    input.leverage = static_cast<std::uint32_t>(
        rng.between(1, std::min<std::int64_t>(agent.profile->max_leverage, 5)));
  }
  input.confidence =
      Decimal::from_units(rng.between(trade ? 55 : 30, trade ? 95 : 70) * (Decimal::kOne / 100))
          .to_string();
  const std::string decision_id = uuid_from(state.id_rng);
  auto& event = state.push(agent, {decision_id, cause});
  fill_decision(state, agent, input, decision_id, *event.mutable_decision_made(), symbol);
  if (!trade) return;
  OrderIntent intent;
  intent.symbol = symbol;
  intent.buy = input.action == DecisionMade::OPEN_LONG ||
               (input.action == DecisionMade::CLOSE_POSITION && position < 0);
  intent.quantity =
      input.action == DecisionMade::CLOSE_POSITION
          ? Decimal::from_units(position < 0 ? -position : position)
          : quantity_for(Decimal::from_int(input.size_usd * input.leverage), input.mark);
  intent.leverage = input.leverage;
  intent.decision_id = decision_id;
  intent.strategy_id = std::string(agent.profile->strategy_id);
  emit_order(state, agent, intent, event.event_id());
}

}  // namespace ledger::producer::demo
