#include "ledger/testing/services.hpp"

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

namespace ledger::testing {
namespace {

std::string env_or_throw(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) + " is not set: run this test through ctest");
  }
  return value;
}

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) {
    throw std::runtime_error("cannot read " + path + ": is the ctest fixture running?");
  }
  return line;
}

}  // namespace

std::string state_dir() { return env_or_throw("LEDGER_TEST_STATE_DIR"); }
std::string ledger_bin() { return env_or_throw("LEDGER_BIN"); }
std::string source_dir() { return env_or_throw("LEDGER_SOURCE_DIR"); }

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return std::to_string(getpid()) + "_" + std::to_string(now_us % 1'000'000'000) + "_" +
         std::to_string(counter++);
}

std::string kafka_bootstrap() { return read_first_line(state_dir() + "/kafka/bootstrap"); }

std::string create_topic(const std::string& prefix, int partitions) {
  const std::string name = prefix + "." + unique_suffix();
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", kafka_bootstrap().c_str(), errstr,
                        sizeof errstr) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(errstr);
  }
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr), &rd_kafka_destroy);
  if (!rk) throw std::runtime_error(errstr);
  rd_kafka_NewTopic_t* topic =
      rd_kafka_NewTopic_new(name.c_str(), partitions, 1, errstr, sizeof errstr);
  if (topic == nullptr) throw std::runtime_error(errstr);
  rd_kafka_NewTopic_set_config(topic, "retention.ms", "-1");
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk.get());
  rd_kafka_CreateTopics(rk.get(), &topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30'000);
  std::string error;
  if (event == nullptr) {
    error = "CreateTopics timed out";
  } else {
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      error = rd_kafka_event_error_string(event);
    } else if (count == 1 && rd_kafka_topic_result_error(results[0]) != 0) {
      error = rd_kafka_topic_result_error_string(results[0]);
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(topic);
  if (!error.empty()) throw std::runtime_error("create topic " + name + ": " + error);
  // Wait until the metadata shows every partition with a leader.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const rd_kafka_metadata_t* metadata = nullptr;
    rd_kafka_topic_t* handle = rd_kafka_topic_new(rk.get(), name.c_str(), nullptr);
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk.get(), 0, handle, &metadata, 5000);
    rd_kafka_topic_destroy(handle);
    bool ready = false;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && metadata->topic_cnt == 1 &&
        metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
        metadata->topics[0].partition_cnt == partitions) {
      ready = true;
      for (int i = 0; i < partitions; ++i) {
        if (metadata->topics[0].partitions[i].leader < 0) ready = false;
      }
    }
    if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
    if (ready) return name;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("topic " + name + " has no leaders after 10 s");
}

std::string postgres_admin_uri() { return read_first_line(state_dir() + "/postgres/uri"); }

std::string create_database(const std::string& prefix) {
  const std::string name = prefix + "_" + unique_suffix();
  pqxx::connection admin(postgres_admin_uri());
  pqxx::nontransaction tx(admin);
  tx.exec0("CREATE DATABASE " + tx.quote_name(name));
  std::string uri = postgres_admin_uri();
  const auto slash = uri.rfind('/');
  const auto query = uri.find('?', slash);
  return uri.substr(0, slash + 1) + name + (query == std::string::npos ? "" : uri.substr(query));
}

}  // namespace ledger::testing
