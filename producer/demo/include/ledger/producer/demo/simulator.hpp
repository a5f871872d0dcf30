// The demo: simulated LLM trading agents that produce valid ledger.v1 events.
//
// Owns: a seeded, pure generator of a plausible event stream for a few named agents (different
// LLM models and strategies): registration, signals, decisions (HOLD included, with reasoning
// text), orders that are accepted, partially and fully filled, canceled, expired and sometimes
// rejected by the exchange, and heartbeats carrying mark prices from a seeded random walk.
// Promises:
//   - Determinism: two Simulators built with equal SimulatorOptions return equal event
//     sequences from next() (ids, times, prices, texts; equal bytes under deterministic
//     serialization). `seed` drives the
//     market and every decision; `run_id` salts only the ids (event, order, decision, signal
//     ids and the session), so `ledger up` can restart with the same seed without colliding
//     with the ids of an earlier run.
//   - Every event passes ledger::events::validate, and lineage is set: correlation_id is the
//     decision_id of the chain (decision -> order -> accept/fill/cancel/reject), causation_id the
//     event_id of the direct cause.
//   - Per agent, `sequence` counts 1, 2, 3 ... in the order next() returns events.
//   - Prices and quantities are exact Decimals (integer arithmetic on 1e-8 units); no binary
//     floating point touches them.
// Thread safety: none; one thread owns a Simulator.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "ledger/v1/events.pb.h"

namespace ledger::producer::demo {

// One simulated agent's identity and risk settings.
struct AgentProfile {
  std::string_view agent_id;     // stable across runs, e.g. "demo-atlas"
  std::string_view name;         // e.g. "Atlas Trend"
  std::string_view llm_model;    // e.g. "deepseek-chat"
  std::string_view strategy_id;  // e.g. "trend-following"
  std::string_view strategy_description;
  std::uint32_t max_leverage;  // orders never exceed it
  std::int64_t initial_balance_usd;
};

inline constexpr int kAgentsMax = 6;
// The fixed roster; SimulatorOptions::agents takes the first N.
std::span<const AgentProfile> agent_roster();

struct SimulatorOptions {
  // Drives the market walk and every choice the agents make.
  std::uint64_t seed = 1;
  // How many agents of the roster take part: 1..kAgentsMax.
  int agents = 3;
  // Salts the ids only (see the header comment). Empty is a valid, fixed salt.
  std::string run_id;
  // Simulated clock: time of the first event (Unix ms) and the range of the step between
  // consecutive events. Ignored by next_at().
  std::int64_t start_time_unix_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  std::int64_t step_ms_min = 50;
  std::int64_t step_ms_max = 400;
};

class Simulator {
 public:
  // Throws std::invalid_argument when agents is outside 1..kAgentsMax or the step range is
  // empty or negative.
  explicit Simulator(SimulatorOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // The next event, stamped by the simulated clock.
  ledger::v1::Event next();
  // The next event, stamped `unix_ms` (real-time mode: `ledger up` passes the wall clock).
  // The stream's content is the same as next() would give; only the times differ.
  ledger::v1::Event next_at(std::int64_t unix_ms);

  std::uint64_t events_generated() const { return events_generated_; }
  // The publisher session the events carry (a UUID derived from seed and run_id).
  const std::string& session() const;

  // The implementation's state (src/sim_state.hpp); opaque to callers.
  struct State;

 private:
  std::unique_ptr<State> state_;
  std::uint64_t events_generated_ = 0;
};

}  // namespace ledger::producer::demo
