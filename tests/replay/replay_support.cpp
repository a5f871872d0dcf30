#include "replay_support.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>

#include "ledger/events/uuid.hpp"
#include "ledger/producer/demo/simulator.hpp"
#include "ledger/schema/migrator.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::replay_testing {
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

// A flip: on the symbol of the agent's last placed order, buy 1000 then sell 3000 (two market
// orders filled at `fill`'s price), so the position crosses zero whatever it was before.
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

std::vector<RawRecord> mixed_run(std::uint64_t seed, int events, int agents,
                                 bool refused_by_postgres) {
  producer::demo::SimulatorOptions options;
  options.seed = seed;
  options.agents = agents;
  options.run_id = "replay-" + std::to_string(seed);
  producer::demo::Simulator simulator(options);
  std::vector<RawRecord> records;
  std::map<std::string, ledger::v1::Event> last_placed;  // by agent
  int flips = 0;
  for (int i = 1; i <= events; ++i) {
    const ledger::v1::Event event = simulator.next();
    records.push_back(raw(event));
    if (event.has_order_placed()) last_placed[event.agent_id()] = event;
    if (event.has_order_filled() && i > 300 * (flips + 1) && flips < 3 &&
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
    if (refused_by_postgres && event.has_decision_made() && i >= events / 2) {
      ledger::v1::Event refused = event;
      refused.set_event_id(events::make_uuid_v7());
      refused.mutable_decision_made()->set_reasoning(std::string("NUL \0 inside", 12));
      records.push_back(raw(refused));  // refused by PostgreSQL
      refused_by_postgres = false;
    }
    if (i % 97 == 0) {
      RawRecord garbage = records.back();
      garbage.value = "this is not a ledger event " + std::to_string(i);
      records.push_back(garbage);  // undecodable
    }
  }
  return records;
}

void produce(const std::string& topic, const std::vector<RawRecord>& records) {
  std::string errstr;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", ledger::testing::kafka_bootstrap()},
           {"enable.idempotence", "true"},
           {"linger.ms", "20"},
           {"batch.num.messages", "10000"},
           {"queue.buffering.max.messages", "1000000"},
           {"queue.buffering.max.kbytes", "1048576"}}) {
    if (conf->set(key, value, errstr) != RdKafka::Conf::CONF_OK) {
      throw std::runtime_error(key + ": " + errstr);
    }
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), errstr));
  if (!producer) throw std::runtime_error("producer: " + errstr);
  for (const RawRecord& record : records) {
    for (int attempt = 0;; ++attempt) {
      const RdKafka::ErrorCode err =
          producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                            const_cast<char*>(record.value.data()), record.value.size(),
                            record.key.data(), record.key.size(), record.timestamp_ms, nullptr);
      if (err == RdKafka::ERR_NO_ERROR) break;
      if (err != RdKafka::ERR__QUEUE_FULL || attempt > 1000) {
        throw std::runtime_error("produce: " + RdKafka::err2str(err));
      }
      producer->poll(100);
    }
    producer->poll(0);
  }
  if (producer->flush(60'000) != RdKafka::ERR_NO_ERROR || producer->outq_len() != 0) {
    throw std::runtime_error("produce: flush timed out");
  }
}

std::string migrated_database(const std::string& prefix) {
  const std::string uri = ledger::testing::create_database(prefix);
  pqxx::connection connection(uri);
  schema::MigrateOptions options;
  schema::MigrateResult result;
  std::string error;
  if (!schema::migrate(connection, options, result, error)) {
    throw std::runtime_error("migrate: " + error);
  }
  return uri;
}

projector::ProjectorOptions projector_options(const std::string& topic, const std::string& uri,
                                              const std::string& schema, const std::string& group) {
  projector::ProjectorOptions options;
  options.kafka.brokers = ledger::testing::kafka_bootstrap();
  options.kafka.topic = topic;
  options.db_uri = uri;
  options.schema = schema;
  options.group = group;
  options.batch_events_max = 500;
  options.batch_wait_ms_max = 50;
  return options;
}

std::int64_t committed_total(const std::string& uri, const std::string& schema,
                             const std::string& group) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  return tx
      .exec_params1("SELECT coalesce(sum(next_offset), 0)::bigint FROM " + tx.quote_name(schema) +
                        ".consumer_offsets WHERE consumer_group = $1",
                    group)[0]
      .as<std::int64_t>();
}

}  // namespace ledger::replay_testing
