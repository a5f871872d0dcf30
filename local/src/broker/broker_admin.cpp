// Kafka requests the local broker makes of itself: readiness and the events topic.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <thread>

#include "broker_detail.hpp"

namespace ledger::local::detail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRequestTimeoutMs = 2'000;
constexpr int kRetryPauseMs = 200;

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
};
using Metadata = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

// Connection refusals while the broker starts are expected: keep librdkafka quiet.
void quiet_log(const rd_kafka_t* /*handle*/, int /*level*/, const char* /*facility*/,
               const char* /*message*/) {}

Handle make_handle(const std::string& bootstrap, std::string& error) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::pair<const char*, std::string> settings[] = {
      {"bootstrap.servers", bootstrap},
      {"allow.auto.create.topics", "false"},
      {"socket.timeout.ms", std::to_string(kRequestTimeoutMs * 5)},
      {"reconnect.backoff.max.ms", "500"},
  };
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key, value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      error = std::string("librdkafka property ") + key + ": " + errstr;
      return nullptr;
    }
  }
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  Handle handle(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
  if (!handle) {
    rd_kafka_conf_destroy(conf);  // not taken over on failure
    error = std::string("cannot create a Kafka client: ") + errstr;
  }
  return handle;
}

Metadata all_metadata(rd_kafka_t* handle, std::string& error) {
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(handle, 1, nullptr, &metadata, kRequestTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = rd_kafka_err2str(err);
    return nullptr;
  }
  return Metadata(metadata);
}

// The topic's partition count with every partition led, 0 when absent, -1 when not all led.
int led_partitions(const rd_kafka_metadata_t& metadata, const std::string& topic) {
  for (int t = 0; t < metadata.topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& entry = metadata.topics[t];
    if (topic != entry.topic) continue;
    if (entry.err != RD_KAFKA_RESP_ERR_NO_ERROR || entry.partition_cnt == 0) return 0;
    for (int p = 0; p < entry.partition_cnt; ++p) {
      if (entry.partitions[p].leader < 0) return -1;
    }
    return entry.partition_cnt;
  }
  return 0;
}

// One CreateTopics request; true when created or already there.
bool create_topic_once(rd_kafka_t* handle, const std::string& topic, int partitions,
                       std::string& error) {
  char errstr[512];
  rd_kafka_NewTopic_t* request =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, errstr, sizeof errstr);
  if (request == nullptr) {
    error = errstr;
    return false;
  }
  rd_kafka_NewTopic_set_config(request, "retention.ms", "-1");
  rd_kafka_NewTopic_set_config(request, "retention.bytes", "-1");
  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle);
  rd_kafka_CreateTopics(handle, &request, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, kRequestTimeoutMs * 5);
  bool created = false;
  if (event == nullptr) {
    error = "CreateTopics timed out";
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = rd_kafka_event_error_string(event);
  } else {
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    const rd_kafka_resp_err_t err =
        count == 1 ? rd_kafka_topic_result_error(results[0]) : RD_KAFKA_RESP_ERR__FAIL;
    created = err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS;
    if (!created) error = count == 1 ? rd_kafka_topic_result_error_string(results[0]) : "no result";
  }
  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(request);
  return created;
}

}  // namespace

bool wait_until_answering(const std::string& bootstrap, int timeout_ms,
                          const std::function<bool()>& keep_waiting, std::string& error) {
  Handle handle = make_handle(bootstrap, error);
  if (!handle) return false;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string last_error = "no answer yet";
  while (Clock::now() < deadline) {
    if (!keep_waiting()) {
      error = "gave up waiting for " + bootstrap;
      return false;
    }
    const Metadata metadata = all_metadata(handle.get(), last_error);
    if (metadata && metadata->broker_cnt > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(kRetryPauseMs));
  }
  error = "no Kafka broker answered at " + bootstrap + " within " +
          std::to_string(timeout_ms / 1000) + " s (last error: " + last_error + ")";
  return false;
}

bool ensure_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                  int timeout_ms, std::string& note, std::string& error) {
  Handle handle = make_handle(bootstrap, error);
  if (!handle) return false;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  bool requested = false;
  std::string last_error = "no answer yet";
  while (Clock::now() < deadline) {
    const Metadata metadata = all_metadata(handle.get(), last_error);
    const int led = metadata ? led_partitions(*metadata, topic) : -1;
    if (led > 0) {
      if (!requested) {
        note = "topic " + topic + " exists with " + std::to_string(led) + " partitions";
      } else {
        note = "created topic " + topic + " with " + std::to_string(led) +
               " partitions and unlimited retention";
      }
      return true;
    }
    if (metadata && led == 0 && create_topic_once(handle.get(), topic, partitions, last_error)) {
      requested = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kRetryPauseMs));
  }
  error = "topic " + topic + " is not ready on " + bootstrap + " after " +
          std::to_string(timeout_ms / 1000) + " s (last error: " + last_error + ")";
  return false;
}

}  // namespace ledger::local::detail
