// Throughput of the projector (disabled by default; run with --gtest_also_run_disabled_tests).
// Publishes a realistic mix (orders with fills, decisions, heartbeats) and measures events/s,
// then a bare COPY of the same number of archive rows for comparison.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "harness.hpp"

namespace ledger::projector::testing {
namespace {

using ledger::v1::Event;

TEST(PerfTest, DISABLED_ProjectorThroughput) {
  Harness h(4);
  constexpr int kAgents = 20;
  constexpr int kRounds = 2500;  // x 4 events x 20 agents = 200k events
  std::vector<Event> events;
  events.reserve(kAgents * kRounds * 4);
  for (int agent = 0; agent < kAgents; ++agent) {
    const std::string agent_id = "agent-" + std::to_string(agent);
    std::uint64_t sequence = 0;
    for (int round = 0; round < kRounds; ++round) {
      const std::string order_id = "o-" + std::to_string(round);
      for (const auto payload : {Event::kDecisionMade, Event::kOrderPlaced, Event::kOrderFilled,
                                 Event::kAgentHeartbeat}) {
        Event e = h.make(payload);
        e.set_agent_id(agent_id);
        e.set_sequence(++sequence);
        if (payload == Event::kOrderPlaced) e.mutable_order_placed()->set_order_id(order_id);
        if (payload == Event::kOrderFilled) e.mutable_order_filled()->set_order_id(order_id);
        events.push_back(std::move(e));
      }
    }
  }
  h.publish_many(events);
  spdlog::set_level(spdlog::level::debug);
  const auto start = std::chrono::steady_clock::now();
  const ProjectorStats stats = h.project();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(stats.events_projected, static_cast<std::int64_t>(events.size()));
  std::printf("projected %zu events in %.2f s: %.0f events/s (%lld batches)\n", events.size(),
              seconds, static_cast<double>(events.size()) / seconds,
              static_cast<long long>(stats.batches_committed));
}

}  // namespace
}  // namespace ledger::projector::testing
