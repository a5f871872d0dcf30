// Helpers shared by the broker tests: running `ledger`, free ports, temporary directories.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/local/process/process.hpp"

namespace ledger::local::testing {

// A fresh directory removed at destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            (name + "-" + std::to_string(getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string str() const { return path_.string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static int& counter() {
    static int value = 0;
    return value;
  }
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A TCP port on 127.0.0.1 that was free a moment ago (the system picks it).
inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a program (no shell) with a bounded wait; output captured through a file in `dir`.
inline RunResult run(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                     int timeout_ms) {
  static int counter = 0;
  const std::string log = (dir / ("run-" + std::to_string(counter++) + ".log")).string();
  process::SpawnOptions options;
  options.argv = argv;
  options.log_path = log;
  std::string error;
  RunResult result;
  const auto status = process::run(options, timeout_ms, error);
  result.exit_code = status.value_or(-1);
  result.output = read_text(log) + error;
  return result;
}

inline std::unique_ptr<RdKafka::Conf> conf_for(const std::string& bootstrap) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string errstr;
  EXPECT_EQ(conf->set("bootstrap.servers", bootstrap, errstr), RdKafka::Conf::CONF_OK) << errstr;
  return conf;
}

// Produces one keyed message to partition `partition` and waits for its delivery.
inline void produce_one(const std::string& bootstrap, const std::string& topic, int partition,
                        const std::string& key, const std::string& value) {
  auto conf = conf_for(bootstrap);
  std::string errstr;
  ASSERT_EQ(conf->set("enable.idempotence", "true", errstr), RdKafka::Conf::CONF_OK) << errstr;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), errstr));
  ASSERT_NE(producer, nullptr) << errstr;
  const RdKafka::ErrorCode produced = producer->produce(
      topic, partition, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
      value.size(), key.data(), key.size(), 0, nullptr);
  ASSERT_EQ(produced, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(produced);
  ASSERT_EQ(producer->flush(10'000), RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(producer->outq_len(), 0);
}

// Reads the first message of (topic, partition) from the beginning; "" on timeout.
inline std::string consume_first(const std::string& bootstrap, const std::string& topic,
                                 int partition) {
  auto conf = conf_for(bootstrap);
  std::string errstr;
  EXPECT_EQ(conf->set("group.id", "broker-tests", errstr), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(conf->set("enable.auto.commit", "false", errstr), RdKafka::Conf::CONF_OK);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), errstr));
  EXPECT_NE(consumer, nullptr) << errstr;
  if (!consumer) return {};
  std::unique_ptr<RdKafka::TopicPartition> assignment(
      RdKafka::TopicPartition::create(topic, partition, RdKafka::Topic::OFFSET_BEGINNING));
  std::vector<RdKafka::TopicPartition*> partitions{assignment.get()};
  EXPECT_EQ(consumer->assign(partitions), RdKafka::ERR_NO_ERROR);
  std::string value;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (value.empty() && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(500));
    if (message->err() == RdKafka::ERR_NO_ERROR) {
      value.assign(static_cast<const char*>(message->payload()), message->len());
      EXPECT_EQ(message->offset(), 0);
      EXPECT_NE(message->key(), nullptr);
    }
  }
  consumer->close();
  return value;
}

}  // namespace ledger::local::testing
