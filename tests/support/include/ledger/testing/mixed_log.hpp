// A realistic mixed event log for pipeline tests and benchmarks, and a raw Kafka producer for it.
//
// mixed_log(): the demo simulator's events (registrations, signals, decisions, orders, accepts,
// partial and full fills, cancels, expiries, heartbeats) with, injected every so often: the same
// bytes again (a duplicate delivery), a fill for an unknown order, an overfill, a decision with
// confidence 1.5 and bytes that are not an event; on request also position flips and one event
// PostgreSQL refuses. Deterministic for the options.
// Thread safety: RawProducer is for one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace RdKafka {
class Producer;
}

namespace ledger::testing {

// One Kafka record to publish.
struct RawRecord {
  std::string key;    // agent id
  std::string value;  // serialized event (or garbage)
  std::int64_t timestamp_ms = 0;
  std::int64_t occurred_at_ms = 0;  // the event's time (the timestamp for garbage)
};

struct MixedLogOptions {
  std::uint64_t seed = 1;
  int events = 1000;  // simulator events; the injected records come on top
  int agents = 3;
  // Up to three times: on the symbol of an agent's last order, buy 1000 then sell 3000 (two
  // filled market orders), so the position crosses zero whatever it was before.
  bool flips = false;
  // Once, half way: a decision whose reasoning holds a NUL byte (which PostgreSQL text cannot
  // store: an invalid_field reject whose text is never written, only its bytes).
  bool nul_in_text = false;
};

std::vector<RawRecord> mixed_log(const MixedLogOptions& options);

// Idempotent producer with large queues; the record's key and timestamp are kept.
class RawProducer {
 public:
  explicit RawProducer(const std::string& bootstrap);
  ~RawProducer();
  RawProducer(const RawProducer&) = delete;
  RawProducer& operator=(const RawProducer&) = delete;

  // Waits while the local queue is full. False on a hard error (printed to stderr).
  bool produce(const std::string& topic, const RawRecord& record);
  // Throws std::runtime_error unless every record was delivered within timeout_ms.
  void flush(int timeout_ms);

 private:
  std::unique_ptr<RdKafka::Producer> producer_;
};

// Produces every record in order and flushes; throws std::runtime_error on a failure.
void produce_all(const std::string& bootstrap, const std::string& topic,
                 const std::vector<RawRecord>& records);

}  // namespace ledger::testing
