// The Publisher while its broker is stopped and started again, on a broker of its own (not the
// shared fixture): `ledger broker start --state-dir <temp> --port <free port> --detach`, publish,
// `ledger broker stop`, keep publishing past message.timeout.ms, start it again, publish more.
// Every event whose delivery was reported successful is in the log exactly once; the events
// that could not be delivered are reported as failures (one report per event, none hidden).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "ledger/producer/publisher.hpp"
#include "ledger/producer/topic_reader.hpp"
#include "ledger/testing/services.hpp"
#include "publish_test_support.hpp"

namespace ledger::producer {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMessageTimeoutMs = 6'000;
constexpr int kAgents = 10;

bool port_is_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return free;
}

// A port p with p and p + 1 (the controller's) free; ports are shared with other tests and
// programs on this machine, so none is hard-coded.
int free_port_pair() {
  constexpr int kFirst = 40'000;
  constexpr int kAttemptsMax = 200;
  const int start = kFirst + static_cast<int>(getpid() % 10'000) * 2;
  for (int attempt = 0; attempt < kAttemptsMax; ++attempt) {
    const int port = start + attempt * 2;
    if (port_is_free(port) && port_is_free(port + 1)) return port;
  }
  throw std::runtime_error("no free port pair found");
}

// A broker of this test's own, stopped (and its files removed) at the end.
class OwnBroker {
 public:
  OwnBroker() : state_dir_(testing::make_temp_dir("restart-broker")), port_(free_port_pair()) {}
  ~OwnBroker() {
    stop();
    std::filesystem::remove_all(state_dir_);
  }
  testing::CommandResult start() {
    return testing::run_command(ledger::testing::ledger_bin() + " broker start --state-dir " +
                                state_dir_ + " --port " + std::to_string(port_) + " --detach");
  }
  testing::CommandResult stop() {
    return testing::run_command(ledger::testing::ledger_bin() + " broker stop --state-dir " +
                                state_dir_);
  }
  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  std::string state_dir_;
  int port_;
};

// Publishes steadily from its own thread until stopped; collects every report.
class SteadyPublisher {
 public:
  explicit SteadyPublisher(Publisher& publisher) : publisher_(publisher) {
    thread_ = std::thread([this] { run(); });
  }
  ~SteadyPublisher() { stop(); }
  void stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
  }
  std::size_t published() const { return published_.load(); }
  std::size_t delivered() const { return delivered_.load(); }
  std::vector<DeliveryReport> reports() {
    std::lock_guard lock(mutex_);
    return reports_;
  }

 private:
  void run() {
    for (std::size_t i = 0; running_; ++i) {
      const std::string agent = "agent-" + std::to_string(i % kAgents);
      publisher_.publish(testing::fresh_event(testing::payload_case_for(i), agent),
                         [this](const DeliveryReport& report) {
                           if (report.delivered()) ++delivered_;
                           std::lock_guard lock(mutex_);
                           reports_.push_back(report);
                         });
      ++published_;
      if (i % 20 == 19) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  Publisher& publisher_;
  std::atomic<bool> running_{true};
  std::atomic<std::size_t> published_{0};
  std::atomic<std::size_t> delivered_{0};
  std::mutex mutex_;
  std::vector<DeliveryReport> reports_;
  std::thread thread_;
};

TEST(PublisherBrokerRestart, DeliveredEventsAreInTheLogOnceAndFailuresAreReported) {
  OwnBroker broker;
  const auto started = broker.start();
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;

  PublisherOptions options;
  options.brokers = broker.bootstrap();
  options.topic = "ledger.events";  // created by `ledger broker start`
  options.properties = {{"message.timeout.ms", std::to_string(kMessageTimeoutMs)}};
  Publisher publisher(options);
  SteadyPublisher steady(publisher);

  std::this_thread::sleep_for(std::chrono::seconds(3));
  const auto stopped = broker.stop();
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  const std::size_t published_before_down = steady.published();
  // Down for longer than message.timeout.ms: the events queued meanwhile must fail, visibly.
  std::this_thread::sleep_for(std::chrono::milliseconds(kMessageTimeoutMs + 3'000));
  const auto restarted = broker.start();
  ASSERT_EQ(restarted.exit_code, 0) << restarted.out << restarted.err;
  // The Publisher recovers on its own: deliveries resume (bounded wait).
  const std::size_t delivered_at_restart = steady.delivered();
  const auto recovery_deadline = Clock::now() + std::chrono::seconds(60);
  while (steady.delivered() < delivered_at_restart + 1'000 && Clock::now() < recovery_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(steady.delivered(), delivered_at_restart + 1'000) << "no recovery after restart";
  steady.stop();
  EXPECT_EQ(publisher.close(60'000), 0);

  const auto reports = steady.reports();
  ASSERT_EQ(reports.size(), steady.published()) << "every published event gets one report";
  std::size_t failed = 0;
  for (const auto& report : reports) failed += report.delivered() ? 0u : 1u;
  EXPECT_GT(failed, 0u) << "events published while the broker was down must be reported failed";
  EXPECT_GT(steady.published(), published_before_down);

  const auto log = testing::decode_all(read_topic(broker.bootstrap(), options.topic, 60'000));
  const std::size_t delivered = testing::expect_delivered_exactly_once(reports, log);
  EXPECT_EQ(delivered + failed, reports.size());
  EXPECT_GT(delivered, published_before_down / 2) << "events before the stop were delivered";
  testing::expect_agent_order(log);
  std::cerr << "published " << reports.size() << ", delivered " << delivered << ", failed "
            << failed << ", log " << log.size() << "\n";
}

}  // namespace
}  // namespace ledger::producer
