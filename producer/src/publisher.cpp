#include "ledger/producer/publisher.hpp"

#include <google/protobuf/util/time_util.h>
#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "ledger/events/uuid.hpp"
#include "publisher_conf.hpp"

namespace ledger::producer {
namespace {

using Clock = std::chrono::steady_clock;

std::string join_errors(const std::vector<events::FieldError>& errors) {
  std::string text = "invalid event:";
  for (const auto& error : errors) text += " " + error.to_string() + ";";
  if (!errors.empty()) text.pop_back();
  return text;
}

// What publish() hands to librdkafka as the message's opaque; the delivery report callback
// (or the publishing thread on an immediate failure) completes and deletes it.
struct PendingDelivery {
  DeliveryReport report;
  std::promise<DeliveryReport> promise;
  DeliveryCallback callback;  // empty: the future form

  void complete() {
    if (!callback) {
      promise.set_value(report);
      return;
    }
    try {
      callback(report);
    } catch (const std::exception& e) {
      spdlog::error("Publisher delivery callback threw for event {}: {}", report.event_id,
                    e.what());
    } catch (...) {
      spdlog::error("Publisher delivery callback threw for event {}", report.event_id);
    }
  }
};

// The wall clock in microseconds (PostgreSQL's precision). protobuf 3.21's
// TimeUtil::GetCurrentTime() has whole seconds only.
google::protobuf::Timestamp now_timestamp() {
  const auto since_epoch_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(since_epoch_us);
}

// librdkafka's status, with one correction: librdkafka 2.0.2 was seen (PublisherBrokerRestart)
// reporting NOT_PERSISTED for "Message timed out" messages that the broker had in fact written
// when it went down mid-request. A timed-out message may have been written, so it is reported
// possibly_persisted: resending it with the same event_id is harmless, losing it is not.
Persistence to_persistence(RdKafka::Message::Status status, RdKafka::ErrorCode error) {
  if (error == RdKafka::ERR__MSG_TIMED_OUT && status != RdKafka::Message::MSG_STATUS_PERSISTED) {
    return Persistence::possibly_persisted;
  }
  switch (status) {
    case RdKafka::Message::MSG_STATUS_PERSISTED:
      return Persistence::persisted;
    case RdKafka::Message::MSG_STATUS_POSSIBLY_PERSISTED:
      return Persistence::possibly_persisted;
    default:
      return Persistence::not_persisted;
  }
}

class DeliveryReports : public RdKafka::DeliveryReportCb {
 public:
  explicit DeliveryReports(std::atomic<std::int64_t>& in_flight) : in_flight_(in_flight) {}

  void dr_cb(RdKafka::Message& message) override {
    std::unique_ptr<PendingDelivery> pending(static_cast<PendingDelivery*>(message.msg_opaque()));
    if (!pending) return;  // not one of ours: every publish() passes its PendingDelivery
    DeliveryReport& report = pending->report;
    report.error_code = static_cast<int>(message.err());
    report.persistence = to_persistence(message.status(), message.err());
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      report.error = RdKafka::err2str(message.err());
      const std::string detail = message.errstr();
      if (!detail.empty() && detail != report.error) report.error += ": " + detail;
    } else {
      report.partition = message.partition();
      report.offset = message.offset();
    }
    pending->complete();
    in_flight_.fetch_sub(1);  // after the callback: in_flight 0 means every callback has run
  }

 private:
  std::atomic<std::int64_t>& in_flight_;
};

class KafkaEvents : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_ERROR) {
      if (event.fatal()) {
        std::lock_guard lock(mutex_);
        fatal_ = RdKafka::err2str(event.err()) + ": " + event.str();
        spdlog::error("Kafka producer fatal error: {}", fatal_);
      } else {
        spdlog::warn("Kafka: {}: {}", RdKafka::err2str(event.err()), event.str());
      }
    } else if (event.type() == RdKafka::Event::EVENT_LOG) {
      spdlog::debug("librdkafka {}: {}", event.fac(), event.str());
    }
  }

  std::string fatal() const {
    std::lock_guard lock(mutex_);
    return fatal_;
  }

 private:
  mutable std::mutex mutex_;
  std::string fatal_;
};

}  // namespace

InvalidEvent::InvalidEvent(std::vector<events::FieldError> errors)
    : std::invalid_argument(join_errors(errors)), errors_(std::move(errors)) {}

struct Publisher::Impl {
  explicit Impl(PublisherOptions opts) : options(std::move(opts)) {}

  // Declared before `producer`: librdkafka calls them until the producer is destroyed.
  PublisherOptions options;
  const std::string session = events::make_uuid_v7();
  std::atomic<std::int64_t> in_flight{0};
  DeliveryReports delivery_reports{in_flight};
  KafkaEvents kafka_events;
  std::unique_ptr<RdKafka::Producer> producer;

  std::mutex produce_mutex;  // sequence assignment and produce() happen as one step
  std::unordered_map<std::string, std::uint64_t> last_sequence;  // guarded by produce_mutex

  std::atomic<bool> polling{true};
  std::atomic<bool> closed{false};
  std::thread poll_thread;

  void poll_loop() {
    while (polling.load()) producer->poll(options.poll_interval_ms);
  }

  void complete_envelope(ledger::v1::Event& event, bool assign_sequence) const {
    if (event.event_id().empty()) event.set_event_id(events::make_uuid_v7());
    if (!event.has_occurred_at()) *event.mutable_occurred_at() = now_timestamp();
    if (assign_sequence) {
      event.set_session(session);
      event.set_sequence(1);  // placeholder for validation; the real one is set under the lock
    }
  }

  RdKafka::ErrorCode produce_with_wait(const std::string& value, const std::string& key,
                                       RdKafka::Headers* headers, PendingDelivery* pending) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(options.enqueue_wait_ms_max);
    for (;;) {
      const RdKafka::ErrorCode err =
          producer->produce(options.topic, RdKafka::Topic::PARTITION_UA,
                            RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
                            value.size(), key.data(), key.size(), 0, headers, pending);
      if (err != RdKafka::ERR__QUEUE_FULL || Clock::now() >= deadline) return err;
      // The poll thread serves delivery reports, which frees room; wait a bounded step.
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  void enqueue(ledger::v1::Event event, std::unique_ptr<PendingDelivery> pending) {
    if (closed.load()) throw std::logic_error("Publisher::publish() called after close()");
    const bool assign_sequence = event.session().empty();
    complete_envelope(event, assign_sequence);
    auto errors = events::validate(event);
    if (!errors.empty()) throw InvalidEvent(std::move(errors));
    auto headers = detail::make_cloudevents_headers(event, options.source_prefix);
    RdKafka::ErrorCode err = RdKafka::ERR_NO_ERROR;
    {
      std::lock_guard lock(produce_mutex);
      std::uint64_t* last = assign_sequence ? &last_sequence[event.agent_id()] : nullptr;
      if (last != nullptr) event.set_sequence(*last + 1);
      const std::string value = event.SerializeAsString();
      pending->report.event_id = event.event_id();
      pending->report.agent_id = event.agent_id();
      pending->report.session = event.session();
      pending->report.sequence = event.sequence();
      in_flight.fetch_add(1);
      err = produce_with_wait(value, event.agent_id(), headers.get(), pending.get());
      if (err == RdKafka::ERR_NO_ERROR) {
        headers.release();  // librdkafka owns the headers now
        pending.release();  // and the delivery report callback owns `pending`
        if (last != nullptr) ++*last;
        return;
      }
      in_flight.fetch_sub(1);  // the sequence number stays unused: no gap
    }
    pending->report.error_code = static_cast<int>(err);
    pending->report.error = "not enqueued: " + RdKafka::err2str(err);
    pending->report.persistence = Persistence::not_persisted;
    pending->complete();
  }
};

Publisher::Publisher(PublisherOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  auto conf =
      detail::make_publisher_conf(impl_->options, &impl_->delivery_reports, &impl_->kafka_events);
  std::string errstr;
  impl_->producer.reset(RdKafka::Producer::create(conf.get(), errstr));
  if (!impl_->producer) throw ConfigError("cannot create Kafka producer: " + errstr);
  impl_->poll_thread = std::thread([impl = impl_.get()] { impl->poll_loop(); });
}

Publisher::~Publisher() {
  if (!impl_->closed.load()) close(impl_->options.flush_timeout_ms);
}

std::future<DeliveryReport> Publisher::publish(ledger::v1::Event event) {
  auto pending = std::make_unique<PendingDelivery>();
  auto future = pending->promise.get_future();
  impl_->enqueue(std::move(event), std::move(pending));
  return future;
}

void Publisher::publish(ledger::v1::Event event, DeliveryCallback on_delivery) {
  auto pending = std::make_unique<PendingDelivery>();
  pending->callback = std::move(on_delivery);
  impl_->enqueue(std::move(event), std::move(pending));
}

int Publisher::flush(int timeout_ms) {
  impl_->producer->flush(timeout_ms);
  return impl_->producer->outq_len();
}

int Publisher::close(int timeout_ms) {
  if (impl_->closed.exchange(true)) return 0;
  impl_->producer->flush(timeout_ms);
  const int outq_len_left = impl_->producer->outq_len();
  if (impl_->in_flight.load() > 0) {
    spdlog::warn("Publisher: {} events not delivered within {} ms; purging them (reported failed)",
                 impl_->in_flight.load(), timeout_ms);
    impl_->producer->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    constexpr auto kPurgeWaitMax = std::chrono::seconds(10);
    const auto deadline = Clock::now() + kPurgeWaitMax;
    while (impl_->in_flight.load() > 0 && Clock::now() < deadline) impl_->producer->poll(50);
  }
  impl_->polling.store(false);
  impl_->poll_thread.join();
  if (impl_->in_flight.load() > 0) {
    spdlog::error("Publisher: {} events still without a delivery report after purge",
                  impl_->in_flight.load());
  }
  return outq_len_left;
}

std::int64_t Publisher::events_in_flight() const { return impl_->in_flight.load(); }
const std::string& Publisher::session() const { return impl_->session; }
const std::string& Publisher::topic() const { return impl_->options.topic; }
std::string Publisher::fatal_error() const { return impl_->kafka_events.fatal(); }

}  // namespace ledger::producer
