// The Publisher against librdkafka's in-process mock cluster: validation before sending,
// configuration refusals, envelope and headers, and fault injection (retriable Produce errors,
// a broker down and up, a leader change). Every delivered event must be in the log exactly
// once, and every event must get exactly one report.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "ledger/events/event_types.hpp"
#include "ledger/events/uuid.hpp"
#include "ledger/local/mock_cluster.hpp"
#include "ledger/producer/publisher.hpp"
#include "ledger/producer/topic_reader.hpp"
#include "publish_test_support.hpp"

namespace ledger::producer {
namespace {

using ledger::v1::Event;
using testing::DecodedRecord;
using testing::fresh_event;

constexpr std::int16_t kProduceApiKey = 0;  // Kafka protocol ApiKey of Produce
constexpr int kReadTimeoutMs = 30'000;

PublisherOptions mock_options(const local::MockCluster& cluster, const std::string& topic) {
  PublisherOptions options;
  options.brokers = cluster.bootstrap();
  options.topic = topic;
  options.flush_timeout_ms = 30'000;
  return options;
}

// Collects callback reports from the poll thread.
struct Reports {
  std::mutex mutex;
  std::vector<DeliveryReport> all;
  DeliveryCallback callback() {
    return [this](const DeliveryReport& report) {
      std::lock_guard lock(mutex);
      all.push_back(report);
    };
  }
};

// Publishes `count` events round-robin over `agents` agents.
void publish_many(Publisher& publisher, Reports& reports, int count, int agents, int first = 0) {
  for (int i = first; i < first + count; ++i) {
    const std::string agent = "agent-" + std::to_string(i % agents);
    publisher.publish(fresh_event(testing::payload_case_for(static_cast<std::size_t>(i)), agent),
                      reports.callback());
  }
}

std::vector<DecodedRecord> read_back(const local::MockCluster& cluster, const std::string& topic) {
  return testing::decode_all(read_topic(cluster.bootstrap(), topic, kReadTimeoutMs));
}

TEST(PublisherMock, InvalidEventThrowsEveryErrorAndNothingReachesKafka) {
  local::MockCluster cluster({.brokers = 1, .topic = "events", .partitions = 3});
  Publisher publisher(mock_options(cluster, "events"));
  Event bad = fresh_event(Event::kOrderPlaced, "agent-1");
  bad.mutable_order_placed()->set_quantity("-1");
  bad.mutable_order_placed()->set_symbol("");
  bad.set_event_id("not-a-uuid");
  try {
    publisher.publish(bad);
    FAIL() << "publish() accepted an invalid event";
  } catch (const InvalidEvent& invalid) {
    std::vector<std::string> paths;
    for (const auto& error : invalid.errors()) paths.push_back(error.path);
    EXPECT_NE(std::find(paths.begin(), paths.end(), "order_placed.quantity"), paths.end());
    EXPECT_NE(std::find(paths.begin(), paths.end(), "order_placed.symbol"), paths.end());
    EXPECT_NE(std::find(paths.begin(), paths.end(), "event_id"), paths.end());
    EXPECT_NE(std::string(invalid.what()).find("order_placed.quantity"), std::string::npos);
  }
  EXPECT_EQ(publisher.events_in_flight(), 0);
  // A valid event afterwards gets sequence 1: the invalid one used no number.
  auto report = publisher.publish(fresh_event(Event::kOrderPlaced, "agent-1")).get();
  ASSERT_TRUE(report.delivered()) << report.error;
  EXPECT_EQ(report.sequence, 1u);
  EXPECT_EQ(publisher.close(10'000), 0);
  const auto log = read_back(cluster, "events");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].event.event_id(), report.event_id);
}

TEST(PublisherMock, RefusesWeakeningAndBadProperties) {
  PublisherOptions options;
  options.brokers = "127.0.0.1:1";
  options.properties = {{"enable.idempotence", "false"}};
  EXPECT_THROW(Publisher{options}, ConfigError);
  options.properties = {{"acks", "1"}};
  EXPECT_THROW(Publisher{options}, ConfigError);
  options.properties = {{"no.such.property", "1"}};
  try {
    Publisher publisher(options);
    FAIL() << "an unknown property was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no.such.property"), std::string::npos) << e.what();
  }
  options.brokers.clear();
  options.properties.clear();
  EXPECT_THROW(Publisher{options}, ConfigError);
  options.properties = {{"bootstrap.servers", "127.0.0.1:1"}, {"acks", "all"}};
  EXPECT_NO_THROW(Publisher{options});
}

TEST(PublisherMock, FillsEnvelopeKeysByAgentAndSetsCloudEventsHeaders) {
  local::MockCluster cluster({.brokers = 1, .topic = "events", .partitions = 4});
  Publisher publisher(mock_options(cluster, "events"));
  const std::string own_id = events::make_uuid_v7();
  Event with_id = fresh_event(Event::kDecisionMade, "agent-a");
  with_id.set_event_id(own_id);
  std::vector<std::future<DeliveryReport>> futures;
  futures.push_back(publisher.publish(with_id));
  futures.push_back(publisher.publish(fresh_event(Event::kOrderPlaced, "agent-a")));
  futures.push_back(publisher.publish(fresh_event(Event::kOrderPlaced, "agent-b")));
  Event resend = fresh_event(Event::kOrderFilled, "agent-b");
  resend.set_session("earlier-session");
  resend.set_sequence(7);
  futures.push_back(publisher.publish(resend));
  std::vector<DeliveryReport> reports;
  for (auto& future : futures) reports.push_back(future.get());
  for (const auto& report : reports) ASSERT_TRUE(report.delivered()) << report.error;
  EXPECT_EQ(reports[0].event_id, own_id);
  EXPECT_EQ(reports[0].sequence, 1u);
  EXPECT_EQ(reports[1].sequence, 2u);
  EXPECT_EQ(reports[2].sequence, 1u);
  EXPECT_EQ(reports[3].session, "earlier-session");
  EXPECT_EQ(reports[3].sequence, 7u);
  publisher.close(10'000);

  const auto log = read_back(cluster, "events");
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(testing::expect_delivered_exactly_once(reports, log), 4u);
  bool sub_second = false;  // occurred_at is filled with microseconds, not whole seconds
  for (const auto& item : log) sub_second = sub_second || item.event.occurred_at().nanos() != 0;
  EXPECT_TRUE(sub_second);
  for (const auto& item : log) {
    const Event& event = item.event;
    EXPECT_TRUE(events::is_uuid(event.event_id()));
    EXPECT_TRUE(event.has_occurred_at());
    EXPECT_EQ(item.record.key, event.agent_id());
    if (event.session() != "earlier-session") {
      EXPECT_EQ(event.session(), publisher.session());
    }
    EXPECT_EQ(testing::header(item.record, "ce_specversion"), "1.0");
    EXPECT_EQ(testing::header(item.record, "ce_id"), event.event_id());
    EXPECT_EQ(testing::header(item.record, "ce_type"),
              std::string(events::payload_type(event.payload_case())));
    EXPECT_EQ(testing::header(item.record, "ce_source"), "/agents/" + event.agent_id());
    EXPECT_EQ(testing::header(item.record, "ce_time"),
              google::protobuf::util::TimeUtil::ToString(event.occurred_at()));
    EXPECT_EQ(testing::header(item.record, "content-type"), "application/protobuf");
  }
}

TEST(PublisherMock, RetriableProduceErrorsLoseAndDuplicateNothing) {
  local::MockCluster cluster({.brokers = 1, .topic = "events", .partitions = 3});
  Publisher publisher(mock_options(cluster, "events"));
  Reports reports;
  publish_many(publisher, reports, 300, 10);
  publisher.flush(10'000);
  // The next Produce requests fail with retriable errors; the idempotent producer retries.
  rd_kafka_mock_push_request_errors(
      cluster.handle(), kProduceApiKey, 6, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
      RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  publish_many(publisher, reports, 700, 10, 300);
  EXPECT_EQ(publisher.close(30'000), 0);
  ASSERT_EQ(reports.all.size(), 1000u);
  const auto log = read_back(cluster, "events");
  EXPECT_EQ(testing::expect_delivered_exactly_once(reports.all, log), 1000u);
  EXPECT_EQ(log.size(), 1000u);
  testing::expect_agent_order(log);
}

TEST(PublisherMock, LeaderChangeMidRunLosesAndDuplicatesNothing) {
  local::MockCluster cluster(
      {.brokers = 3, .topic = "events", .partitions = 3, .replication_factor = 3});
  Publisher publisher(mock_options(cluster, "events"));
  Reports reports;
  for (int round = 0; round < 6; ++round) {
    publish_many(publisher, reports, 200, 8, round * 200);
    const std::int32_t partition = round % 3;
    rd_kafka_mock_partition_set_leader(cluster.handle(), "events", partition, 1 + (round % 3));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(publisher.close(30'000), 0);
  ASSERT_EQ(reports.all.size(), 1200u);
  const auto log = read_back(cluster, "events");
  EXPECT_EQ(testing::expect_delivered_exactly_once(reports.all, log), 1200u);
  EXPECT_EQ(log.size(), 1200u);
  testing::expect_agent_order(log);
}

TEST(PublisherMock, BrokerDownReportsFailuresAndDeliveredOnesAreInTheLogOnce) {
  local::MockCluster cluster({.brokers = 1, .topic = "events", .partitions = 2});
  PublisherOptions options = mock_options(cluster, "events");
  options.properties = {{"message.timeout.ms", "1500"}};
  Publisher publisher(options);
  Reports reports;
  publish_many(publisher, reports, 200, 5);
  publisher.flush(10'000);
  rd_kafka_mock_broker_set_down(cluster.handle(), 1);
  publish_many(publisher, reports, 200, 5, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // > message.timeout.ms
  rd_kafka_mock_broker_set_up(cluster.handle(), 1);
  publish_many(publisher, reports, 200, 5, 400);
  publisher.close(30'000);
  ASSERT_EQ(reports.all.size(), 600u) << "every event gets exactly one report";
  std::size_t failed = 0;
  for (const auto& report : reports.all) {
    if (!report.delivered()) {
      ++failed;
      EXPECT_FALSE(report.error.empty());
    }
  }
  EXPECT_GE(failed, 200u) << "events published while the broker was down must be reported";
  const auto log = read_back(cluster, "events");
  const std::size_t delivered = testing::expect_delivered_exactly_once(reports.all, log);
  EXPECT_EQ(delivered + failed, 600u);
  EXPECT_GE(delivered, 200u);
  testing::expect_agent_order(log);
}

TEST(PublisherMock, CloseReportsUndeliverableEventsAsFailed) {
  local::MockCluster cluster({.brokers = 1, .topic = "events", .partitions = 1});
  Publisher publisher(mock_options(cluster, "events"));
  rd_kafka_mock_broker_set_down(cluster.handle(), 1);
  std::vector<std::future<DeliveryReport>> futures;
  for (int i = 0; i < 50; ++i)
    futures.push_back(publisher.publish(fresh_event(Event::kOrderPlaced, "a")));
  EXPECT_GT(publisher.close(500), 0);
  for (auto& future : futures) {
    ASSERT_EQ(future.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    const auto report = future.get();
    EXPECT_FALSE(report.delivered());
    EXPECT_NE(report.error.find("urge"), std::string::npos) << report.error;
  }
  EXPECT_EQ(publisher.events_in_flight(), 0);
}

}  // namespace
}  // namespace ledger::producer
