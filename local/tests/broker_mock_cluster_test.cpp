// MockCluster: librdkafka's in-process cluster starts, takes a message and gives it back, and
// exposes its handle for fault injection.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "broker_test_util.hpp"
#include "ledger/local/mock_cluster.hpp"

namespace ledger::local {
namespace {

using testing::conf_for;
using testing::consume_first;
using testing::produce_one;

TEST(MockCluster, ProducesAndConsumesOneMessage) {
  MockCluster cluster({.brokers = 1, .topic = "mock.events", .partitions = 3});
  EXPECT_EQ(cluster.bootstrap().rfind("127.0.0.1:", 0), 0u) << cluster.bootstrap();
  produce_one(cluster.bootstrap(), "mock.events", 2, "agent-1", "hello ledger");
  EXPECT_EQ(consume_first(cluster.bootstrap(), "mock.events", 2), "hello ledger");
}

TEST(MockCluster, SeveralBrokersAndExtraTopics) {
  MockCluster cluster({.brokers = 3, .topic = "", .partitions = 1, .replication_factor = 1});
  // Three brokers: three comma-separated addresses.
  EXPECT_EQ(std::count(cluster.bootstrap().begin(), cluster.bootstrap().end(), ','), 2)
      << cluster.bootstrap();
  cluster.create_topic("extra", 2, 3);
  produce_one(cluster.bootstrap(), "extra", 1, "k", "v");
  EXPECT_EQ(consume_first(cluster.bootstrap(), "extra", 1), "v");
}

TEST(MockCluster, HandleInjectsErrors) {
  MockCluster cluster({.brokers = 1, .topic = "faulty", .partitions = 1});
  ASSERT_NE(cluster.handle(), nullptr);
  // Every Produce request fails with a non-retriable error: the delivery must fail.
  constexpr int kErrors = 10;
  constexpr std::int16_t kProduceApiKey = 0;  // the Kafka protocol's Produce request
  std::vector<rd_kafka_resp_err_t> errors(kErrors, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  rd_kafka_mock_push_request_errors_array(cluster.handle(), kProduceApiKey, errors.size(),
                                          errors.data());
  class Report : public RdKafka::DeliveryReportCb {
   public:
    void dr_cb(RdKafka::Message& message) override { error = message.err(); }
    RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
  } report;
  auto conf = conf_for(cluster.bootstrap());
  std::string errstr;
  ASSERT_EQ(conf->set("dr_cb", &report, errstr), RdKafka::Conf::CONF_OK);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), errstr));
  ASSERT_NE(producer, nullptr) << errstr;
  std::string value = "x";
  ASSERT_EQ(producer->produce("faulty", 0, RdKafka::Producer::RK_MSG_COPY, value.data(),
                              value.size(), nullptr, 0, 0, nullptr),
            RdKafka::ERR_NO_ERROR);
  producer->flush(10'000);
  EXPECT_EQ(report.error, RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
}

TEST(MockCluster, RejectsBadBrokerCount) {
  EXPECT_THROW(MockCluster({.brokers = 0}), std::runtime_error);
  EXPECT_THROW(MockCluster({.brokers = 17}), std::runtime_error);
}

}  // namespace
}  // namespace ledger::local
