// `ledger broker` against the real Apache Kafka broker, on its own ports and state dir:
// start --detach, status, a second start finding the running broker, produce and consume,
// the topic's partitions and unlimited retention, stop, and a start after kill -9 (stale pid).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <thread>

#include "broker_test_util.hpp"
#include "files.hpp"
#include "ledger/local/process/process.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::local {
namespace {

using testing::RunResult;
using testing::TempDir;
constexpr int kStartTimeoutMs = 300'000;  // the first start may download Kafka
constexpr int kCommandTimeoutMs = 120'000;

class BrokerLifecycle : public ::testing::Test {
 protected:
  BrokerLifecycle() : state_("ledger-broker-lifecycle"), logs_("ledger-broker-lifecycle-logs") {}
  ~BrokerLifecycle() override {
    try {
      ledger({"stop"}, kCommandTimeoutMs);  // never leave a broker behind
    } catch (const std::exception&) {
      // ledger_bin() throws outside ctest; the test body has already failed on it.
    }
  }

  RunResult ledger(std::vector<std::string> arguments, int timeout_ms) {
    std::vector<std::string> argv{ledger::testing::ledger_bin(), "broker"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.insert(argv.end(), {"--state-dir", state_.str()});
    return testing::run(argv, logs_.path(), timeout_ms);
  }
  RunResult start() {
    return ledger({"start", "--port", std::to_string(port_), "--controller-port",
                   std::to_string(controller_port_), "--partitions", "3", "--detach"},
                  kStartTimeoutMs);
  }
  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port_); }
  pid_t broker_pid() const {
    return read_pid_file((state_.path() / "kafka" / "broker.pid").string());
  }

  TempDir state_;
  TempDir logs_;
  int port_ = testing::free_port();
  int controller_port_ = testing::free_port();
};

std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> admin_client(
    const std::string& bootstrap) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  EXPECT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr),
            RD_KAFKA_CONF_OK);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  EXPECT_NE(handle, nullptr) << errstr;
  return {handle, &rd_kafka_destroy};
}

// The events topic's partition count and its retention.ms, read from the broker.
void expect_topic_shape(const std::string& bootstrap) {
  auto admin = admin_client(bootstrap);
  const rd_kafka_metadata_t* metadata = nullptr;
  ASSERT_EQ(rd_kafka_metadata(admin.get(), 1, nullptr, &metadata, 10'000),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  int partitions = 0;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    if (std::string(metadata->topics[i].topic) == "ledger.events") {
      partitions = metadata->topics[i].partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  EXPECT_EQ(partitions, 3);

  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, "ledger.events");
  rd_kafka_queue_t* queue = rd_kafka_queue_new(admin.get());
  rd_kafka_DescribeConfigs(admin.get(), &resource, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30'000);
  ASSERT_NE(event, nullptr);
  std::string retention;
  size_t count = 0;
  const rd_kafka_ConfigResource_t** results = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(event), &count);
  for (size_t r = 0; r < count; ++r) {
    size_t entries = 0;
    const rd_kafka_ConfigEntry_t** configs = rd_kafka_ConfigResource_configs(results[r], &entries);
    for (size_t e = 0; e < entries; ++e) {
      if (std::string(rd_kafka_ConfigEntry_name(configs[e])) == "retention.ms") {
        retention = rd_kafka_ConfigEntry_value(configs[e]);
      }
    }
  }
  rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_ConfigResource_destroy(resource);
  EXPECT_EQ(retention, "-1");
}

TEST_F(BrokerLifecycle, StartStatusSecondStartStopAndStalePid) {
  RunResult result = start();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("\n" + bootstrap() + "\n"), std::string::npos) << result.output;
  EXPECT_EQ(testing::read_text(state_.path() / "kafka" / "bootstrap"), bootstrap() + "\n");
  const pid_t first_pid = broker_pid();
  ASSERT_GT(first_pid, 0);

  result = ledger({"status"}, kCommandTimeoutMs);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("running at " + bootstrap()), std::string::npos) << result.output;

  result = start();  // finds the running broker
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("already running"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(bootstrap()), std::string::npos) << result.output;
  EXPECT_EQ(broker_pid(), first_pid);

  testing::produce_one(bootstrap(), "ledger.events", 1, "agent", "event-1");
  EXPECT_EQ(testing::consume_first(bootstrap(), "ledger.events", 1), "event-1");
  expect_topic_shape(bootstrap());

  result = ledger({"stop"}, kCommandTimeoutMs);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_FALSE(port_accepts(port_, 1000));
  EXPECT_FALSE(std::filesystem::exists(state_.path() / "kafka" / "broker.pid"));
  result = ledger({"status"}, kCommandTimeoutMs);
  EXPECT_EQ(result.exit_code, 3) << result.output;

  // kill -9 leaves a stale pid file; the next start must not be stopped by it.
  result = start();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const pid_t killed = broker_pid();
  ASSERT_GT(killed, 0);
  ASSERT_EQ(kill(killed, SIGKILL), 0);
  // Gone means its ports are closed too: the JVM's main thread leaves (and /proc no longer
  // shows its command line) before its other threads have closed the listening sockets.
  for (int i = 0; i < 100 && (process::process_matches(killed, "kafka.Kafka") ||
                              port_accepts(port_, 100) || port_accepts(controller_port_, 100));
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(port_accepts(port_, 100)) << "the killed broker still listens after 10 s";
  result = ledger({"status"}, kCommandTimeoutMs);
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("stale"), std::string::npos) << result.output;
  result = start();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("stale pid file"), std::string::npos) << result.output;
  EXPECT_NE(broker_pid(), killed);
  // The log survived the crash: offset 0 of partition 1 is still event-1.
  EXPECT_EQ(testing::consume_first(bootstrap(), "ledger.events", 1), "event-1");
  result = ledger({"stop"}, kCommandTimeoutMs);
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST_F(BrokerLifecycle, PortTakenByAnotherProcessIsAClearError) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port_));
  ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  const RunResult result = start();
  close(fd);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("already in use"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace ledger::local
