// Internal: the simulator's state and the episodes that fill its queue of pending events.
// An episode is one agent's burst of causally linked events (a decision and its order's life,
// a heartbeat, a signal); episodes are generated whole and then handed out one event at a time,
// which is when each event gets its time and sequence number. Not thread-safe: one owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "ledger/events/decimal.hpp"
#include "ledger/producer/demo/simulator.hpp"
#include "market.hpp"
#include "rng.hpp"

namespace ledger::producer::demo {

struct AgentState {
  const AgentProfile* profile = nullptr;
  std::size_t strategy_index = 0;                      // which decision rule this agent follows
  std::uint64_t sequence = 0;                          // last sequence handed out
  std::vector<events::Decimal::Units> position_units;  // per market symbol, signed base qty
  int episodes_since_heartbeat = 0;
};

// The lineage of one chain of events.
struct Lineage {
  std::string correlation_id;  // the chain's decision_id
  std::string causation_id;    // event_id of the direct cause
};

struct Simulator::State {
  explicit State(const SimulatorOptions& options);

  SimulatorOptions options;
  Rng market_rng;  // seed: the walk and every choice
  Rng id_rng;      // seed mixed with run_id: ids only
  Rng clock_rng;   // seed mixed with "clock": the simulated clock's steps only
  Market market;
  std::vector<AgentState> agents;
  std::deque<ledger::v1::Event> pending;  // at most one episode (kEpisodeEventsMax)
  std::string session;
  std::int64_t clock_unix_ms = 0;
  std::uint64_t exchange_counter = 0;
  bool registered = false;

  // A new pending event of `agent` with a fresh event_id and the given lineage.
  ledger::v1::Event& push(const AgentState& agent, const Lineage& lineage);
  // Generates the next episode into `pending` (which must be empty).
  void generate_episode();
};

inline constexpr std::size_t kEpisodeEventsMax = 64;

// The agent's view of a symbol in basis points, by its strategy: > 0 bullish, < 0 bearish.
std::int64_t strategy_view(const Simulator::State& state, const AgentState& agent,
                           std::size_t symbol);

// Episodes (episodes.cpp, decisions.cpp, orders.cpp).
void emit_registration(Simulator::State& state, AgentState& agent);
void emit_heartbeat(Simulator::State& state, AgentState& agent);
// Returns the signal event's id.
std::string emit_signal(Simulator::State& state, AgentState& agent, std::size_t symbol);
void emit_decision_cycle(Simulator::State& state, AgentState& agent);
void emit_system_event(Simulator::State& state, AgentState& agent);

struct OrderIntent {
  std::size_t symbol = 0;
  bool buy = true;
  events::Decimal quantity;
  std::uint32_t leverage = 1;
  std::string decision_id;
  std::string strategy_id;
};
// OrderPlaced and its life: accepted, filled in one or two parts, canceled, expired, or
// rejected by the exchange. Updates the agent's position with every fill.
void emit_order(Simulator::State& state, AgentState& agent, const OrderIntent& intent,
                const std::string& decision_event_id);

// Text helpers (text.cpp): a percent with two decimals from basis points ("-0.42").
std::string percent_text(std::int64_t bps);

struct DecisionInput {
  ledger::v1::DecisionMade::Action action = ledger::v1::DecisionMade::HOLD;
  std::string symbol;
  events::Decimal mark;
  std::int64_t change_bps = 0;
  std::int64_t size_usd = 0;
  std::uint32_t leverage = 1;
  std::string confidence;
  bool closing_long = false;  // for CLOSE_POSITION: the side being closed
};
struct DecisionText {
  std::string reasoning;     // what the model said about why
  std::string prompt;        // the prompt the agent sent
  std::string llm_response;  // the raw (JSON) reply
};
DecisionText decision_text(const AgentProfile& profile, const DecisionInput& input);

}  // namespace ledger::producer::demo
