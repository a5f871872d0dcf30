// librdkafka's mock Kafka cluster, owned for the lifetime of one object (RAII).
//
// The mock cluster runs inside this process, in memory: brokers listen on 127.0.0.1 on ports
// chosen by the system, and each partition keeps only about 5 MiB of messages. It speaks
// enough of the Kafka protocol for producers (idempotent and transactional) and consumers
// (groups included), and lets tests inject request errors, take brokers down and move
// leaders through handle() and the functions of <librdkafka/rdkafka_mock.h>.
// Use it for fault injection and fast unit-level checks; anything that claims durability or
// behaviour across processes and restarts belongs on the real broker (`ledger broker`).
// Thread safety: the object itself is not thread-safe, but any number of Kafka clients in any
// threads may connect to bootstrap() while it lives. Destroy clients before the cluster.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>

#include "ledger/producer/kafka_options.hpp"

namespace ledger::local {

struct MockClusterOptions {
  int brokers = 1;                              // broker ids are 1..brokers
  std::string topic = producer::kDefaultTopic;  // created at construction; "" creates none
  int partitions = 6;                           // of `topic`
  int replication_factor = 1;                   // of `topic`, at most `brokers`
};

class MockCluster {
 public:
  // Starts the cluster and creates the topic. Throws std::runtime_error on failure.
  explicit MockCluster(const MockClusterOptions& options = {});
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "127.0.0.1:port[,127.0.0.1:port...]", for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  // For the rd_kafka_mock_* fault-injection functions. Valid while this object lives.
  rd_kafka_mock_cluster_t* handle() const { return cluster_; }
  // Creates another topic. Throws std::runtime_error on failure.
  void create_topic(const std::string& topic, int partitions, int replication_factor = 1);

 private:
  rd_kafka_t* owner_ = nullptr;  // librdkafka needs a client instance to host the cluster
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

// `ledger broker start --mock`: runs a mock cluster until SIGINT/SIGTERM, printing its
// bootstrap address and writing it to <state_dir>/kafka/bootstrap (removed at exit).
// Returns an exit status.
int run_mock_broker(const std::string& state_dir, const MockClusterOptions& options);

}  // namespace ledger::local
