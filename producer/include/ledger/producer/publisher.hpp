// Publisher: the C++ API an agent uses to append its events to the ledger's Kafka topic.
//
// Owns: one idempotent librdkafka producer (enable.idempotence=true, acks=all), a background
// thread that serves its delivery reports with poll(), and the envelope of every event it sends.
//
// Promises:
//  - Validation first. publish() completes the envelope, then checks the event against the
//    contract (events::validate). An invalid event throws InvalidEvent listing every FieldError;
//    it never reaches Kafka and consumes no sequence number.
//  - Envelope. Empty event_id: a new UUIDv7. Unset occurred_at: now. Empty session: this
//    Publisher's session (one UUID per Publisher) and the agent's next sequence (1, 2, 3, ... per
//    agent_id within the session). An event that already carries a session is a resend and keeps
//    its session and sequence.
//  - Order. The message key is agent_id, so an agent's events land in one partition in the order
//    publish() returned; idempotence keeps that order through retries without duplicates.
//  - Every event publish() accepted gets exactly one DeliveryReport: delivered (partition,
//    offset) or failed with librdkafka's reason (message.timeout.ms expired, a broker error, no
//    room in the queue for enqueue_wait_ms_max, or purged by close()). Nothing is dropped
//    silently; a failure says whether the event may still have been written (persistence).
//  - CloudEvents Kafka binding (binary mode) on every message: ce_specversion "1.0", ce_id =
//    event_id, ce_type = events::payload_type ("ledger.v1.OrderFilled"), ce_source =
//    source_prefix + agent_id ("/agents/<agent_id>"), ce_time = occurred_at (RFC 3339),
//    content-type "application/protobuf"; the value is the serialized ledger.v1.Event.
//
// Thread safety: publish(), flush() and the accessors may be called from any number of threads
// at once. close() is called once, after the last publish() (the destructor calls it). Delivery
// callbacks (and futures) are completed on the Publisher's poll thread, on a thread inside
// flush()/close(), or on the publishing thread before publish() returns when the event fails
// before reaching librdkafka's queue. Keep callbacks short; never call publish() or close()
// from one.
//
// Needs: a reachable broker and an existing topic. To know an event's id before its delivery
// (e.g. for a later causation_id), set event_id yourself with events::make_uuid_v7().
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ledger/events/validation.hpp"
#include "ledger/v1/events.pb.h"

namespace ledger::producer {

struct PublisherOptions {
  // bootstrap.servers, e.g. "127.0.0.1:9092". May be empty when `properties` sets it.
  std::string brokers;
  // The events topic.
  std::string topic = "ledger.events";
  // librdkafka properties, applied in order after the Publisher's own settings (so they override
  // them), e.g. {"message.timeout.ms", "30000"}. Refused with ConfigError:
  // enable.idempotence other than true and acks other than all/-1 (the promises need them).
  std::vector<std::pair<std::string, std::string>> properties;
  // How long publish() waits for room while librdkafka's queue is full
  // (queue.buffering.max.messages) before failing the event with ERR__QUEUE_FULL.
  int enqueue_wait_ms_max = 30'000;
  // The poll thread's wait per poll() call (the delay before it notices close()).
  int poll_interval_ms = 100;
  // The destructor's flush timeout when close() was not called.
  int flush_timeout_ms = 30'000;
  // ce_source = source_prefix + agent_id.
  std::string source_prefix = "/agents/";
};

// Whether a failed event may be in the log anyway (librdkafka's message status).
enum class Persistence {
  not_persisted,       // certainly not written: safe to resend
  possibly_persisted,  // outcome unknown (e.g. timed out in flight): resend with the same event_id
  persisted,           // written (delivered)
};

struct DeliveryReport {
  std::string event_id;
  std::string agent_id;
  std::string session;
  std::uint64_t sequence = 0;
  // 0 (RdKafka::ERR_NO_ERROR) when delivered, else librdkafka's error code (RdKafka::ErrorCode).
  int error_code = 0;
  // Empty when delivered, else librdkafka's error name and text.
  std::string error;
  Persistence persistence = Persistence::not_persisted;
  std::int32_t partition = -1;  // valid when delivered
  std::int64_t offset = -1;     // valid when delivered

  bool delivered() const { return error_code == 0; }
};

using DeliveryCallback = std::function<void(const DeliveryReport&)>;

// publish() was given an event that breaks the contract. what() lists every problem.
class InvalidEvent : public std::invalid_argument {
 public:
  explicit InvalidEvent(std::vector<events::FieldError> errors);
  const std::vector<events::FieldError>& errors() const { return errors_; }

 private:
  std::vector<events::FieldError> errors_;
};

// The options cannot make a producer (no broker, a property librdkafka refuses, a refused
// override). what() names the property and librdkafka's reason.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Publisher {
 public:
  // Creates the producer and starts the poll thread. Throws ConfigError. Does not contact the
  // broker yet: an unreachable broker shows up as failed deliveries.
  explicit Publisher(PublisherOptions options);
  // close(options.flush_timeout_ms) unless close() was called.
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Completes the envelope, validates, enqueues. Throws InvalidEvent (nothing sent). The future
  // becomes ready with the event's DeliveryReport. REQUIRES: close() not called yet.
  std::future<DeliveryReport> publish(ledger::v1::Event event);
  // The same, reporting through `on_delivery` (called exactly once when publish() returns
  // normally; never when it throws).
  void publish(ledger::v1::Event event, DeliveryCallback on_delivery);

  // Waits up to timeout_ms for every enqueued event's report. Returns librdkafka's outq_len()
  // left (0: everything reported).
  int flush(int timeout_ms);
  // Flushes for up to timeout_ms, then purges what is left (those events are reported failed
  // with ERR__PURGE_QUEUE / ERR__PURGE_INFLIGHT), waits for their reports and stops the poll
  // thread. Returns the outq_len() left after the flush (0: nothing had to be purged).
  // Calling it again returns 0 at once.
  int close(int timeout_ms);

  // Events accepted by publish() whose report has not been delivered yet.
  std::int64_t events_in_flight() const;
  // This Publisher's session id (a UUID).
  const std::string& session() const;
  const std::string& topic() const;
  // librdkafka's fatal error (idempotence broken), empty if none. After one, every publish()
  // is reported failed.
  std::string fatal_error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger::producer
