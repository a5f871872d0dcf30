#include "ledger/producer/demo/simulator.hpp"

#include <google/protobuf/util/time_util.h>

#include <stdexcept>

#include "sim_state.hpp"

namespace ledger::producer::demo {

Simulator::State::State(const SimulatorOptions& opts)
    : options(opts),
      market_rng(opts.seed),
      id_rng(mix_seed(opts.seed, opts.run_id)),
      clock_rng(mix_seed(opts.seed, "clock")),
      clock_unix_ms(opts.start_time_unix_ms) {
  session = uuid_from(id_rng);
  const auto roster = agent_roster();
  for (std::size_t i = 0; i < static_cast<std::size_t>(opts.agents); ++i) {
    AgentState agent;
    agent.profile = &roster[i];
    agent.strategy_index = i;
    agent.position_units.assign(market.size(), 0);
    agents.push_back(std::move(agent));
  }
}

ledger::v1::Event& Simulator::State::push(const AgentState& agent, const Lineage& lineage) {
  auto& event = pending.emplace_back();
  event.set_event_id(uuid_from(id_rng));
  event.set_agent_id(std::string(agent.profile->agent_id));
  event.set_session(session);
  event.set_correlation_id(lineage.correlation_id);
  event.set_causation_id(lineage.causation_id);
  return event;
}

void Simulator::State::generate_episode() {
  if (!registered) {
    for (auto& agent : agents) emit_registration(*this, agent);
    registered = true;
    return;
  }
  market.step(market_rng);
  auto& agent = agents[market_rng.index(agents.size())];
  ++agent.episodes_since_heartbeat;
  const auto roll = market_rng.between(0, 99);
  if (agent.episodes_since_heartbeat >= 4 || roll < 5) {
    emit_heartbeat(*this, agent);
  } else if (roll < 18) {
    emit_signal(*this, agent, market_rng.index(market.size()));
  } else if (roll < 21) {
    emit_system_event(*this, agent);
  } else {
    emit_decision_cycle(*this, agent);
  }
}

Simulator::Simulator(SimulatorOptions options) {
  if (options.agents < 1 || options.agents > kAgentsMax) {
    throw std::invalid_argument("demo: agents must be within 1.." + std::to_string(kAgentsMax) +
                                ", got " + std::to_string(options.agents));
  }
  if (options.step_ms_min < 0 || options.step_ms_max < options.step_ms_min) {
    throw std::invalid_argument("demo: the clock step range must satisfy 0 <= min <= max");
  }
  state_ = std::make_unique<State>(options);
}

Simulator::~Simulator() = default;

const std::string& Simulator::session() const { return state_->session; }

ledger::v1::Event Simulator::next() {
  auto& state = *state_;
  state.clock_unix_ms +=
      state.clock_rng.between(state.options.step_ms_min, state.options.step_ms_max);
  return next_at(state.clock_unix_ms);
}

ledger::v1::Event Simulator::next_at(std::int64_t unix_ms) {
  auto& state = *state_;
  while (state.pending.empty()) state.generate_episode();
  ledger::v1::Event event = std::move(state.pending.front());
  state.pending.pop_front();
  *event.mutable_occurred_at() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(unix_ms);
  for (auto& agent : state.agents) {
    if (agent.profile->agent_id == event.agent_id()) event.set_sequence(++agent.sequence);
  }
  ++events_generated_;
  return event;
}

}  // namespace ledger::producer::demo
