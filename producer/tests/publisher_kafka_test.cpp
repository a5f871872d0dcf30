// The Publisher against the real local broker (ctest fixture "kafka"): 20 agents x 500 events
// published from 4 threads, read back with a consumer. Nothing lost, nothing duplicated, each
// agent's events in one partition in sequence order 1..500, all six CloudEvents headers right.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "ledger/events/event_types.hpp"
#include "ledger/producer/publisher.hpp"
#include "ledger/producer/topic_reader.hpp"
#include "ledger/testing/services.hpp"
#include "publish_test_support.hpp"

namespace ledger::producer {
namespace {

constexpr int kAgents = 20;
constexpr int kEventsPerAgent = 500;
constexpr int kThreads = 4;

TEST(PublisherKafka, TwentyAgentsFiveHundredEventsEachArriveOnceInOrderWithHeaders) {
  const std::string topic = ledger::testing::create_topic("publisher", 6);
  PublisherOptions options;
  options.brokers = ledger::testing::kafka_bootstrap();
  options.topic = topic;
  Publisher publisher(options);

  std::mutex mutex;
  std::vector<DeliveryReport> reports;
  auto on_delivery = [&](const DeliveryReport& report) {
    std::lock_guard lock(mutex);
    reports.push_back(report);
  };
  // Each thread owns kAgents / kThreads agents and interleaves their events.
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEventsPerAgent; ++i) {
        for (int a = t; a < kAgents; a += kThreads) {
          const auto payload = testing::payload_case_for(static_cast<std::size_t>(i + a));
          publisher.publish(testing::fresh_event(payload, "agent-" + std::to_string(a)),
                            on_delivery);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(publisher.close(60'000), 0);
  ASSERT_EQ(reports.size(), static_cast<std::size_t>(kAgents * kEventsPerAgent));
  for (const auto& report : reports) ASSERT_TRUE(report.delivered()) << report.error;

  const auto log = testing::decode_all(read_topic(options.brokers, topic, 60'000));
  ASSERT_EQ(log.size(), static_cast<std::size_t>(kAgents * kEventsPerAgent));
  EXPECT_EQ(testing::expect_delivered_exactly_once(reports, log), log.size());
  testing::expect_agent_order(log);

  std::map<std::string, std::vector<std::uint64_t>> sequences;  // in offset order per partition
  std::map<std::string, std::set<std::int32_t>> partitions;
  for (const auto& item : log) {  // read_topic returns each partition in offset order
    const auto& event = item.event;
    sequences[event.agent_id()].push_back(event.sequence());
    partitions[event.agent_id()].insert(item.record.partition);
    EXPECT_EQ(event.session(), publisher.session());
    EXPECT_EQ(item.record.key, event.agent_id());
    EXPECT_EQ(testing::header(item.record, "ce_specversion"), "1.0");
    EXPECT_EQ(testing::header(item.record, "ce_id"), event.event_id());
    EXPECT_EQ(testing::header(item.record, "ce_type"),
              std::string(events::payload_type(event.payload_case())));
    EXPECT_EQ(testing::header(item.record, "ce_source"), "/agents/" + event.agent_id());
    EXPECT_EQ(testing::header(item.record, "ce_time"),
              google::protobuf::util::TimeUtil::ToString(event.occurred_at()));
    EXPECT_EQ(testing::header(item.record, "content-type"), "application/protobuf");
  }
  ASSERT_EQ(sequences.size(), static_cast<std::size_t>(kAgents));
  for (const auto& [agent, seen] : sequences) {
    EXPECT_EQ(partitions[agent].size(), 1u) << agent;
    std::vector<std::uint64_t> expected(kEventsPerAgent);
    for (int i = 0; i < kEventsPerAgent; ++i)
      expected[static_cast<std::size_t>(i)] = static_cast<std::uint64_t>(i + 1);
    EXPECT_EQ(seen, expected) << agent << "'s sequence numbers in log order";
  }
}

}  // namespace
}  // namespace ledger::producer
