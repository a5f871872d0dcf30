// The projector rides out PostgreSQL connection loss: its backend is terminated mid-stream, it
// reconnects (bounded backoff), re-seeks to the stored offsets and every event is projected
// exactly once. And it refuses partitions of a topic it does not consume, which a shared group
// can hand it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "harness.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::projector::testing {
namespace {

using ledger::v1::Event;

std::vector<Event> heartbeats(Harness& h, int count) {
  std::vector<Event> events;
  for (int i = 0; i < count; ++i) events.push_back(h.make(Event::kAgentHeartbeat));
  return events;
}

// Waits (bounded) until `table` holds `rows` rows.
bool wait_for_rows(Harness& h, const std::string& table, std::int64_t rows) {
  for (int attempt = 0; attempt < 300; ++attempt) {
    if (h.count(table) == rows) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST(ResilienceTest, TerminatedBackendsAreReconnectedAndNothingIsProjectedTwice) {
  Harness h;
  ProjectorOptions options = h.options();
  options.reconnect_backoff_ms_min = 50;
  options.reconnect_backoff_ms_max = 200;
  options.batch_events_max = 50;
  Projector projector(options);
  std::atomic<bool> stop{false};
  std::thread runner([&] { projector.run(stop); });

  h.publish_many(heartbeats(h, 200));
  ASSERT_TRUE(wait_for_rows(h, "heartbeats", 200));
  for (int round = 0; round < 3; ++round) {
    h.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    h.publish_many(heartbeats(h, 100));
  }
  const bool caught_up = wait_for_rows(h, "heartbeats", 500);
  stop.store(true);
  runner.join();
  ASSERT_TRUE(caught_up);
  EXPECT_GE(projector.stats().reconnects, 1);
  EXPECT_EQ(h.count("processed_events"), 500);
  EXPECT_EQ(h.count("event_archive"), 500);
  EXPECT_EQ(h.value("SELECT heartbeat_count FROM agent_status"), "500");
  EXPECT_EQ(h.value("SELECT next_offset FROM consumer_offsets"), "500");
  EXPECT_EQ(h.value("SELECT event_count || ' ' || gap_count FROM agent_streams"), "500 0");
}

// A static member (group.instance.id) that takes another member's place gets that member's last
// assignment, whatever it subscribed to: here the partitions of another deployment's topic. The
// projector must not read them (it would store their events under its own topic): it fails,
// naming both topics, and writes nothing.
TEST(ResilienceTest, PartitionsOfAnotherTopicAreRefused) {
  Harness first(2);
  Harness second(2);
  first.publish(first.make(Event::kAgentHeartbeat));
  second.publish(second.make(Event::kAgentHeartbeat));
  const std::string group = "shared-" + ::ledger::testing::unique_suffix();
  const auto shared = [&](ProjectorOptions options) {
    options.group = group;
    options.kafka.properties.emplace_back("group.instance.id", group);
    options.kafka.properties.emplace_back("session.timeout.ms", "30000");
    return options;
  };
  Projector(shared(first.options())).run_until_caught_up(60'000);
  ASSERT_EQ(first.count("event_archive"), 1);

  Projector intruder(shared(second.options()));
  try {
    intruder.run_until_caught_up(60'000);
    FAIL() << "the projector read partitions of " << first.topic();
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(first.topic() + "[0]"), std::string::npos) << message;
    EXPECT_NE(message.find(first.topic() + "[1]"), std::string::npos) << message;
    EXPECT_NE(message.find("consumes topic '" + second.topic() + "'"), std::string::npos)
        << message;
    EXPECT_NE(message.find("--group"), std::string::npos) << message;
  }
  EXPECT_EQ(second.count("event_archive"), 0);
  EXPECT_EQ(second.count("consumer_offsets"), 0);
  EXPECT_EQ(first.count("event_archive"), 1);
}

}  // namespace
}  // namespace ledger::projector::testing
