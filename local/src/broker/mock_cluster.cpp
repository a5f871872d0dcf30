#include "ledger/local/mock_cluster.hpp"

#include <signal.h>

#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "../files.hpp"
#include "broker_detail.hpp"
#include "ledger/local/process/process.hpp"

namespace ledger::local {
namespace {

constexpr int kBrokersMax = 16;
constexpr int kTopicTimeoutMs = 10'000;

void quiet_log(const rd_kafka_t* /*handle*/, int /*level*/, const char* /*facility*/,
               const char* /*message*/) {}

}  // namespace

MockCluster::MockCluster(const MockClusterOptions& options) {
  if (options.brokers < 1 || options.brokers > kBrokersMax) {
    throw std::runtime_error("mock cluster: brokers must be 1.." + std::to_string(kBrokersMax));
  }
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (owner_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("mock cluster: cannot create its client: ") + errstr);
  }
  cluster_ = rd_kafka_mock_cluster_new(owner_, options.brokers);
  if (cluster_ == nullptr) {
    rd_kafka_destroy(owner_);
    throw std::runtime_error("mock cluster: rd_kafka_mock_cluster_new failed");
  }
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  if (!options.topic.empty()) {
    try {
      create_topic(options.topic, options.partitions, options.replication_factor);
    } catch (...) {
      rd_kafka_mock_cluster_destroy(cluster_);
      rd_kafka_destroy(owner_);
      throw;
    }
  }
}

MockCluster::~MockCluster() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(owner_);
}

void MockCluster::create_topic(const std::string& topic, int partitions, int replication_factor) {
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("mock cluster: cannot create topic " + topic + ": " +
                             rd_kafka_err2str(err));
  }
}

int run_mock_broker(const std::string& state_dir, const MockClusterOptions& options) {
  const detail::BrokerLayout layout = detail::broker_layout(state_dir);
  std::error_code ec;
  std::filesystem::create_directories(layout.kafka_dir, ec);
  const pid_t real = read_pid_file(layout.pid_file);
  if (real > 0 && process::process_matches(real, layout.process_tag)) {
    std::cerr << "ledger broker: error: a real broker (pid " << real << ") runs under "
              << layout.kafka_dir << "; stop it or use another --state-dir\n";
    return 1;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before librdkafka starts its threads
  try {
    const MockCluster cluster(options);
    std::string note, error;
    if (!detail::ensure_topic(cluster.bootstrap(), options.topic, options.partitions,
                              kTopicTimeoutMs, note, error)) {
      throw std::runtime_error(error);
    }
    if (!write_file_atomic(layout.bootstrap, cluster.bootstrap() + "\n", error)) {
      throw std::runtime_error(error);
    }
    std::cerr << "ledger broker: librdkafka mock cluster (in process, in memory, about 5 MiB "
                 "kept per partition) with "
              << options.brokers << " broker(s); " << note
              << "; serving until Ctrl-C (SIGINT) or SIGTERM\n";
    std::cout << cluster.bootstrap() << std::endl;
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    std::filesystem::remove(layout.bootstrap, ec);
    std::cerr << "ledger broker: mock cluster stopped\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "ledger broker: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace ledger::local
