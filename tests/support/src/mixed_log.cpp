#include "ledger/testing/mixed_log.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <cstdio>
#include <map>
#include <stdexcept>
#include <utility>

#include "ledger/events/uuid.hpp"
#include "ledger/producer/demo/simulator.hpp"

namespace ledger::testing {
namespace {

std::int64_t occurred_ms(const ledger::v1::Event& event) {
  return event.occurred_at().seconds() * 1000 + event.occurred_at().nanos() / 1'000'000;
}

RawRecord raw(const ledger::v1::Event& event) {
  RawRecord record;
  record.key = event.agent_id();
  record.value = event.SerializeAsString();
  record.occurred_at_ms = occurred_ms(event);
  record.timestamp_ms = record.occurred_at_ms;
  return record;
}

// Buy 1000 then sell 3000 on the symbol of `placed`, filled at `fill`'s price and time.
void inject_flip(const ledger::v1::Event& placed, const ledger::v1::Event& fill, int i,
                 std::vector<RawRecord>& records) {
  const std::pair<const char*, ledger::v1::OrderPlaced::Side> legs[] = {
      {"1000", ledger::v1::OrderPlaced::BUY}, {"3000", ledger::v1::OrderPlaced::SELL}};
  int leg = 0;
  for (const auto& [quantity, side] : legs) {
    const std::string order_id = "flip-" + std::to_string(i) + "-" + std::to_string(leg++);
    ledger::v1::Event order = placed;
    order.set_event_id(events::make_uuid_v7());
    *order.mutable_occurred_at() = fill.occurred_at();
    ledger::v1::OrderPlaced& placed_order = *order.mutable_order_placed();
    placed_order.set_order_id(order_id);
    placed_order.set_side(side);
    placed_order.set_order_type(ledger::v1::OrderPlaced::MARKET);
    placed_order.clear_price();
    placed_order.clear_stop_price();
    placed_order.set_quantity(quantity);
    records.push_back(raw(order));
    ledger::v1::Event filled = fill;
    filled.set_event_id(events::make_uuid_v7());
    filled.mutable_order_filled()->set_order_id(order_id);
    filled.mutable_order_filled()->set_fill_id(order_id + "-fill");
    filled.mutable_order_filled()->set_quantity(quantity);
    records.push_back(raw(filled));
  }
}

}  // namespace

std::vector<RawRecord> mixed_log(const MixedLogOptions& options) {
  producer::demo::SimulatorOptions simulator_options;
  simulator_options.seed = options.seed;
  simulator_options.agents = options.agents;
  simulator_options.run_id = "mixed-" + std::to_string(options.seed);
  producer::demo::Simulator simulator(simulator_options);
  std::vector<RawRecord> records;
  records.reserve(static_cast<std::size_t>(options.events) * 6 / 5);
  std::map<std::string, ledger::v1::Event> last_placed;  // by agent
  int flips = 0;
  bool nul_pending = options.nul_in_text;
  for (int i = 1; i <= options.events; ++i) {
    const ledger::v1::Event event = simulator.next();
    records.push_back(raw(event));
    if (event.has_order_placed()) last_placed[event.agent_id()] = event;
    if (options.flips && event.has_order_filled() && i > 300 * (flips + 1) && flips < 3 &&
        last_placed.count(event.agent_id()) != 0) {
      inject_flip(last_placed[event.agent_id()], event, i, records);
      ++flips;
    }
    if (i % 53 == 0) records.push_back(records.back());  // duplicate delivery
    if (event.has_order_filled() && i % 5 == 0) {
      ledger::v1::Event ghost = event;
      ghost.set_event_id(events::make_uuid_v7());
      ghost.mutable_order_filled()->set_order_id("ghost-" + std::to_string(i));
      records.push_back(raw(ghost));  // fill for an unknown order
      ledger::v1::Event overfill = event;
      overfill.set_event_id(events::make_uuid_v7());
      overfill.mutable_order_filled()->set_fill_id("over-" + std::to_string(i));
      overfill.mutable_order_filled()->set_quantity("1000000");
      records.push_back(raw(overfill));  // overfill or fill of a closed order
    }
    if (event.has_decision_made() && i % 7 == 0) {
      ledger::v1::Event bad = event;
      bad.set_event_id(events::make_uuid_v7());
      bad.mutable_decision_made()->set_confidence("1.5");
      records.push_back(raw(bad));  // invalid field
    }
    if (nul_pending && event.has_decision_made() && i >= options.events / 2) {
      ledger::v1::Event nul = event;
      nul.set_event_id(events::make_uuid_v7());
      nul.mutable_decision_made()->set_reasoning(std::string("NUL \0 inside", 12));
      records.push_back(raw(nul));  // text PostgreSQL cannot store
      nul_pending = false;
    }
    if (i % 97 == 0) {
      RawRecord garbage = records.back();
      garbage.value = "this is not a ledger event " + std::to_string(i);
      records.push_back(garbage);  // undecodable
    }
  }
  return records;
}

RawProducer::RawProducer(const std::string& bootstrap) {
  std::string errstr;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", bootstrap},
           {"enable.idempotence", "true"},
           {"linger.ms", "5"},
           {"batch.num.messages", "10000"},
           {"message.timeout.ms", "180000"},
           {"queue.buffering.max.messages", "1000000"},
           {"queue.buffering.max.kbytes", "1048576"}}) {
    if (conf->set(key, value, errstr) != RdKafka::Conf::CONF_OK) {
      throw std::runtime_error(key + ": " + errstr);
    }
  }
  producer_.reset(RdKafka::Producer::create(conf.get(), errstr));
  if (!producer_) throw std::runtime_error("producer: " + errstr);
}

RawProducer::~RawProducer() = default;

bool RawProducer::produce(const std::string& topic, const RawRecord& record) {
  for (int attempt = 0; attempt <= 1000; ++attempt) {
    const RdKafka::ErrorCode err =
        producer_->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                           const_cast<char*>(record.value.data()), record.value.size(),
                           record.key.data(), record.key.size(), record.timestamp_ms, nullptr);
    if (err == RdKafka::ERR_NO_ERROR) {
      producer_->poll(0);
      return true;
    }
    if (err != RdKafka::ERR__QUEUE_FULL) {
      std::fprintf(stderr, "produce failed: %s\n", RdKafka::err2str(err).c_str());
      return false;
    }
    producer_->poll(100);
  }
  return false;
}

void RawProducer::flush(int timeout_ms) {
  if (producer_->flush(timeout_ms) != RdKafka::ERR_NO_ERROR || producer_->outq_len() != 0) {
    throw std::runtime_error("produce: flush timed out");
  }
}

void produce_all(const std::string& bootstrap, const std::string& topic,
                 const std::vector<RawRecord>& records) {
  RawProducer producer(bootstrap);
  for (const RawRecord& record : records) {
    if (!producer.produce(topic, record)) throw std::runtime_error("produce failed");
  }
  producer.flush(300'000);
}

}  // namespace ledger::testing
