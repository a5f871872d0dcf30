// The demo's episodes other than an order's life: registration, heartbeats, signals, system
// events and the decision cycle.
#include <algorithm>
#include <array>

#include "sim_state.hpp"

namespace ledger::producer::demo {

using events::Decimal;
using ledger::v1::AgentHeartbeat;
using ledger::v1::DecisionMade;
using ledger::v1::SignalEmitted;
using State = Simulator::State;

namespace {

// A fraction 0.lo..0.hi as a Decimal with two digits (lo, hi in hundredths).
Decimal hundredths(Rng& rng, std::int64_t lo, std::int64_t hi) {
  return Decimal::from_units(rng.between(lo, hi) * (Decimal::kOne / 100));
}

void set_number(google::protobuf::Struct& s, const std::string& key, std::int64_t value) {
  (*s.mutable_fields())[key].set_number_value(static_cast<double>(value));
}

}  // namespace

std::int64_t strategy_view(const State& state, const AgentState& agent, std::size_t symbol) {
  const std::int64_t change = state.market.change_bps(symbol);
  switch (agent.strategy_index % 6) {
    case 0:
      return change;  // trend following
    case 1:
      return -change;  // mean reversion
    case 2:
      return std::abs(change) > 30 ? 2 * change : 0;  // breakout
    case 3:
      return change * 3 / 2;  // momentum scalp
    case 4:
      return -change / 2;  // grid
    default:
      return change / 4;  // carry: mostly holds
  }
}

void emit_registration(State& state, AgentState& agent) {
  const AgentProfile& p = *agent.profile;
  auto& registered_event = state.push(agent, {});
  auto& reg = *registered_event.mutable_agent_registered();
  reg.set_name(std::string(p.name));
  reg.set_llm_model(std::string(p.llm_model));
  reg.set_exchange_account("paper-" + std::string(p.agent_id));
  reg.set_initial_balance(Decimal::from_int(p.initial_balance_usd).to_string());
  reg.set_max_position_size_pct("25");
  reg.set_max_leverage(p.max_leverage);
  reg.set_stop_loss_pct("2.5");
  reg.set_take_profit_pct("6");
  reg.set_strategy_description(std::string(p.strategy_description));
  reg.set_strategy_id(std::string(p.strategy_id));
  reg.set_quote_currency("USD");
  auto& status =
      *state.push(agent, {"", registered_event.event_id()}).mutable_agent_status_changed();
  status.set_status(ledger::v1::AgentStatusChanged::ACTIVE);
  status.set_reason("demo agent started");
  emit_heartbeat(state, agent);
}

void emit_heartbeat(State& state, AgentState& agent) {
  auto& rng = state.market_rng;
  auto& heartbeat = *state.push(agent, {}).mutable_agent_heartbeat();
  const bool degraded = rng.percent(5);
  heartbeat.set_status(degraded ? AgentHeartbeat::DEGRADED : AgentHeartbeat::ONLINE);
  heartbeat.set_health_score(
      (degraded ? hundredths(rng, 50, 75) : hundredths(rng, 90, 100)).to_string());
  for (std::size_t i = 0; i < state.market.size(); ++i) {
    (*heartbeat.mutable_marks())[state.market.symbol(i)] = state.market.mark(i).to_string();
  }
  auto& metadata = *heartbeat.mutable_metadata();
  set_number(metadata, "cpu_pct", rng.between(3, degraded ? 97 : 40));
  set_number(metadata, "memory_mb", rng.between(180, 420));
  (*metadata.mutable_fields())["llm_model"].set_string_value(std::string(agent.profile->llm_model));
  agent.episodes_since_heartbeat = 0;
}

std::string emit_signal(State& state, AgentState& agent, std::size_t symbol) {
  auto& rng = state.market_rng;
  const std::int64_t view = strategy_view(state, agent, symbol) + rng.between(-10, 10);
  auto& event = state.push(agent, {});
  auto& signal = *event.mutable_signal_emitted();
  signal.set_signal_id(uuid_from(state.id_rng));
  signal.set_strategy_id(std::string(agent.profile->strategy_id));
  signal.set_symbol(state.market.symbol(symbol));
  signal.set_signal_type(view > 10    ? SignalEmitted::BUY
                         : view < -10 ? SignalEmitted::SELL
                                      : SignalEmitted::HOLD);
  const std::int64_t strength = std::min<std::int64_t>(std::abs(view), 100);
  signal.set_strength(Decimal::from_units(strength * (Decimal::kOne / 100)).to_string());
  signal.set_confidence(hundredths(rng, 40, 95).to_string());
  signal.set_price(state.market.mark(symbol).to_string());
  static constexpr std::array<const char*, 3> kTimeframes{"5m", "15m", "1h"};
  signal.set_timeframe(kTimeframes[agent.strategy_index % kTimeframes.size()]);
  auto& indicators = *signal.mutable_indicators();
  set_number(indicators, "rsi", 50 + std::clamp<std::int64_t>(view / 2, -45, 45));
  set_number(indicators, "change_bps", state.market.change_bps(symbol));
  set_number(indicators, "volume_z_x10", rng.between(-20, 30));
  set_number(*signal.mutable_parameters(), "lookback_marks",
             static_cast<std::int64_t>(Market::kHistoryMax));
  return event.event_id();
}

void emit_system_event(State& state, AgentState& agent) {
  auto& rng = state.market_rng;
  auto& report = *state.push(agent, {}).mutable_system_event_reported();
  const std::int64_t latency_ms = rng.between(2'500, 9'000);
  if (rng.percent(50)) {
    report.set_event_type("llm_latency_high");
    report.set_severity(ledger::v1::SystemEventReported::WARNING);
    report.set_component("llm-client");
    report.set_message("LLM call to " + std::string(agent.profile->llm_model) + " took " +
                       std::to_string(latency_ms) + " ms");
  } else {
    report.set_event_type("exchange_reconnected");
    report.set_severity(ledger::v1::SystemEventReported::INFO);
    report.set_component("exchange-ws");
    report.set_message("market data stream reconnected after " + std::to_string(latency_ms) +
                       " ms");
  }
  set_number(*report.mutable_details(), "latency_ms", latency_ms);
}

}  // namespace ledger::producer::demo
