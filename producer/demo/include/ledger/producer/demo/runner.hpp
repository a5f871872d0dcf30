// Running the demo: the simulator's events published through a Publisher at a steady rate.
//
// Owns: pacing (a token bucket: never more than rate * elapsed events, bursts of at most one
// second's worth after a stall) and counters of what happened to every event.
// Promises: run_demo() returns when `stop` turns true, after duration_ms, or after events_max
// events, whichever comes first; it checks `stop` at least every 50 ms. Every event it
// enqueued gets its delivery counted (delivered or failed) by the time the Publisher is
// flushed; run_demo itself does not flush. Events the Publisher refuses as invalid are counted
// in `invalid` (a bug in the simulator; the test suite keeps it at zero).
// Thread safety: run_demo() runs on the caller's thread; DemoStats may be read from any thread
// while it runs.
#pragma once

#include <atomic>
#include <cstdint>

#include "ledger/producer/demo/simulator.hpp"
#include "ledger/producer/publisher.hpp"

namespace ledger::producer::demo {

struct DemoRunOptions {
  SimulatorOptions simulator;
  // Events per second published, > 0.
  double rate_events_per_s = 20.0;
  // Stop after this long; 0: no time limit.
  std::int64_t duration_ms = 0;
  // Stop after this many events; 0: no limit.
  std::uint64_t events_max = 0;
  // Stamp events with the wall clock (`ledger up`) instead of the simulated clock.
  bool real_time = false;
};

struct DemoStats {
  std::atomic<std::uint64_t> enqueued{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> invalid{0};
};

// Publishes until stopped (see the header comment). `stats` must outlive the Publisher's
// flush/close, since delivery callbacks update it.
void run_demo(Publisher& publisher, const DemoRunOptions& options, const std::atomic<bool>& stop,
              DemoStats& stats);

}  // namespace ledger::producer::demo
