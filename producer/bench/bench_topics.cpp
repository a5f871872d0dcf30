#include "bench_topics.hpp"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <thread>

namespace ledger::producer::bench {
namespace {

constexpr int kAdminTimeoutMs = 30'000;
constexpr int kLeaderWaitAttemptsMax = 100;

using Handle = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;

Handle admin_client(const std::string& brokers) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("bootstrap.servers: ") + errstr);
  }
  Handle handle(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr), &rd_kafka_destroy);
  if (!handle) throw std::runtime_error(std::string("admin client: ") + errstr);
  return handle;
}

// Waits for the admin result event on `queue`; returns the error text, empty on success.
std::string admin_result(rd_kafka_queue_t* queue, bool create) {
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, kAdminTimeoutMs);
  if (event == nullptr) return "timed out";
  std::string error;
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      create
          ? rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
          : rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count);
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = rd_kafka_event_error_string(event);
  } else if (count == 1 && rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = rd_kafka_topic_result_error_string(results[0]);
  }
  rd_kafka_event_destroy(event);
  return error;
}

bool has_leaders(rd_kafka_t* client, const std::string& topic, int partitions) {
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_topic_t* handle = rd_kafka_topic_new(client, topic.c_str(), nullptr);
  const rd_kafka_resp_err_t err = rd_kafka_metadata(client, 0, handle, &metadata, 5000);
  rd_kafka_topic_destroy(handle);
  bool ready = err == RD_KAFKA_RESP_ERR_NO_ERROR && metadata->topic_cnt == 1 &&
               metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
               metadata->topics[0].partition_cnt == partitions;
  for (int i = 0; ready && i < partitions; ++i) {
    ready = metadata->topics[0].partitions[i].leader >= 0;
  }
  if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
  return ready;
}

}  // namespace

void create_topic(const std::string& brokers, const std::string& topic, int partitions) {
  Handle client = admin_client(brokers);
  char errstr[512];
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, errstr, sizeof errstr);
  if (new_topic == nullptr) throw std::runtime_error("topic " + topic + ": " + errstr);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client.get());
  rd_kafka_CreateTopics(client.get(), &new_topic, 1, nullptr, queue);
  const std::string error = admin_result(queue, true);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(new_topic);
  if (!error.empty()) throw std::runtime_error("create topic " + topic + ": " + error);
  for (int attempt = 0; attempt < kLeaderWaitAttemptsMax; ++attempt) {
    if (has_leaders(client.get(), topic, partitions)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("topic " + topic + " has no leaders after 10 s");
}

void delete_topic(const std::string& brokers, const std::string& topic) {
  Handle client = admin_client(brokers);
  rd_kafka_DeleteTopic_t* doomed = rd_kafka_DeleteTopic_new(topic.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client.get());
  rd_kafka_DeleteTopics(client.get(), &doomed, 1, nullptr, queue);
  const std::string error = admin_result(queue, false);
  rd_kafka_queue_destroy(queue);
  rd_kafka_DeleteTopic_destroy(doomed);
  if (!error.empty()) std::fprintf(stderr, "delete topic %s: %s\n", topic.c_str(), error.c_str());
}

}  // namespace ledger::producer::bench
