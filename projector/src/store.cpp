#include "ledger/projector/store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "ledger/events/decimal.hpp"
#include "ledger/projector/sql_text.hpp"

namespace ledger::projector {

extern const char* const kStagingDdl;

namespace {

std::optional<std::int64_t> optional_micros(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<std::int64_t>();
}

std::optional<Decimal> optional_decimal(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return Decimal::parse(field.c_str());
}

Decimal required_decimal(const pqxx::field& field) {
  return optional_decimal(field).value_or(Decimal{});
}

std::string text_or_empty(const pqxx::field& field) {
  return field.is_null() ? std::string() : std::string(field.c_str());
}

// "(extract(epoch from col) * 1000000)::bigint" for timestamp columns read back as microseconds.
std::string micros(const char* column) {
  return std::string("(extract(epoch from ") + column + ") * 1000000)::bigint";
}

}  // namespace

bool is_transient(const pqxx::sql_error& error) {
  const std::string state = error.sqlstate();
  if (state.empty()) return true;  // no SQLSTATE: the connection itself failed
  const std::string klass = state.substr(0, 2);
  return klass == "08" || klass == "57" || klass == "53" || klass == "40" || state == "55P03";
}

Store::Store(const ProjectorOptions& options) : options_(options) {}

bool Store::connected() const { return connection_ && connection_->is_open(); }

void Store::connect() {
  connection_.reset();
  auto connection = std::make_unique<pqxx::connection>(options_.db_uri);
  pqxx::nontransaction tx(*connection);
  tx.exec0("SET search_path TO " + connection->quote_name(options_.schema) + ", public");
  tx.exec0("SET synchronous_commit TO on");
  tx.exec0(kStagingDdl);
  connection_ = std::move(connection);
}

StoredOffsets Store::load_offsets(const std::vector<std::int32_t>& partitions) {
  StoredOffsets offsets;
  for (const std::int32_t partition : partitions) offsets[partition] = std::nullopt;
  pqxx::read_transaction tx(*connection_);
  const pqxx::result result = tx.exec_params(
      "SELECT kafka_partition, next_offset FROM consumer_offsets "
      "WHERE consumer_group = $1 AND kafka_topic = $2",
      options_.group, options_.kafka.topic);
  for (const pqxx::row& row : result) {
    const auto partition = row[0].as<std::int32_t>();
    if (offsets.count(partition) != 0) offsets[partition] = row[1].as<std::int64_t>();
  }
  return offsets;
}

std::map<std::int32_t, std::int64_t> Store::load_archived_next(
    const std::vector<std::int32_t>& partitions) {
  std::map<std::int32_t, std::int64_t> next;
  pqxx::read_transaction tx(*connection_);
  for (const std::int32_t partition : partitions) {
    const pqxx::result result = tx.exec_params(
        "SELECT max(kafka_offset) + 1 FROM event_archive "
        "WHERE kafka_topic = $1 AND kafka_partition = $2",
        options_.kafka.topic, partition);
    if (!result.empty() && !result[0][0].is_null()) {
      next[partition] = result[0][0].as<std::int64_t>();
    }
  }
  return next;
}

void Store::load_state(pqxx::dbtransaction& tx, const BatchKeys& keys, ProjectionState& state) {
  if (!keys.event_ids.empty()) {
    const pqxx::result result = tx.exec_params(
        "SELECT event_id::text FROM processed_events WHERE event_id = ANY($1::uuid[])",
        text_array({keys.event_ids.begin(), keys.event_ids.end()}));
    for (const pqxx::row& row : result) state.processed_event_ids.insert(row[0].c_str());
  }
  if (!keys.agent_ids.empty()) {
    const pqxx::result result = tx.exec_params(
        "SELECT agent_id, max_leverage FROM agents "
        "WHERE agent_id = ANY($1::text[]) AND max_leverage IS NOT NULL",
        text_array({keys.agent_ids.begin(), keys.agent_ids.end()}));
    for (const pqxx::row& row : result) {
      state.agents[row[0].c_str()].max_leverage = row[1].as<std::uint32_t>();
    }
  }
  if (!keys.streams.empty()) {
    std::vector<std::string> agents;
    std::vector<std::string> sessions;
    for (const auto& [agent, session] : keys.streams) {
      agents.push_back(agent);
      sessions.push_back(session);
    }
    const pqxx::result result = tx.exec_params(
        "SELECT s.agent_id, s.session, s.last_sequence FROM agent_streams s "
        "JOIN unnest($1::text[], $2::text[]) AS k(agent_id, session) USING (agent_id, session)",
        text_array(agents), text_array(sessions));
    for (const pqxx::row& row : result) {
      StreamPosition& stream = state.streams[StreamKey(row[0].c_str(), row[1].c_str())];
      stream.exists = true;
      stream.last_sequence = row[2].as<std::uint64_t>();
    }
  }
  if (!keys.orders.empty()) {
    load_orders(tx, keys, state);
    load_fills(tx, keys, state);
  }
}

void Store::load_orders(pqxx::dbtransaction& tx, const BatchKeys& keys, ProjectionState& state) {
  std::vector<std::string> agents;
  std::vector<std::string> orders;
  for (const auto& [agent, order] : keys.orders) {
    agents.push_back(agent);
    orders.push_back(order);
  }
  const std::string sql =
      "SELECT o.agent_id, o.order_id, o.decision_id::text, o.strategy_id, o.signal_id::text, "
      "o.symbol, o.side, o.order_type, o.quantity::text, o.price::text, o.stop_price::text, "
      "o.leverage, o.is_paper, o.status, o.exchange_order_id, o.filled_quantity::text, "
      "o.average_fill_price::text, o.fees_paid::text, o.fill_count, " +
      micros("o.placed_at") + ", " + micros("o.accepted_at") + ", " + micros("o.first_fill_at") +
      ", " + micros("o.last_fill_at") + ", " + micros("o.filled_at") + ", " +
      micros("o.canceled_at") + ", " + micros("o.rejected_at") + ", " + micros("o.expired_at") +
      ", o.reason, o.correlation_id, " + micros("o.updated_at") +
      ", o.last_event_id::text FROM orders o "
      "JOIN unnest($1::text[], $2::text[]) AS k(agent_id, order_id) USING (agent_id, order_id)";
  const pqxx::result result = tx.exec_params(sql, text_array(agents), text_array(orders));
  for (const pqxx::row& row : result) {
    OrderState& o = state.orders[OrderKey(row[0].c_str(), row[1].c_str())];
    o.agent_id = row[0].c_str();
    o.order_id = row[1].c_str();
    o.decision_id = text_or_empty(row[2]);
    o.strategy_id = text_or_empty(row[3]);
    o.signal_id = text_or_empty(row[4]);
    o.symbol = row[5].c_str();
    o.side = row[6].c_str();
    o.order_type = row[7].c_str();
    o.quantity = required_decimal(row[8]);
    o.price = optional_decimal(row[9]);
    o.stop_price = optional_decimal(row[10]);
    o.leverage = row[11].as<std::uint32_t>();
    o.is_paper = row[12].as<bool>();
    o.status = parse_order_status(row[13].c_str()).value_or(OrderStatus::kNew);
    o.exchange_order_id = text_or_empty(row[14]);
    o.filled_quantity = required_decimal(row[15]);
    o.average_fill_price = optional_decimal(row[16]);
    o.fees_total = required_decimal(row[17]);
    o.fill_count = row[18].as<std::int64_t>();
    o.placed_at_us = row[19].as<std::int64_t>();
    o.accepted_at_us = optional_micros(row[20]);
    o.first_fill_at_us = optional_micros(row[21]);
    o.last_fill_at_us = optional_micros(row[22]);
    o.filled_at_us = optional_micros(row[23]);
    o.canceled_at_us = optional_micros(row[24]);
    o.rejected_at_us = optional_micros(row[25]);
    o.expired_at_us = optional_micros(row[26]);
    o.status_reason = text_or_empty(row[27]);
    o.correlation_id = text_or_empty(row[28]);
    o.updated_at_us = row[29].as<std::int64_t>();
    o.last_event_id = row[30].c_str();
  }
}

void Store::load_fills(pqxx::dbtransaction& tx, const BatchKeys& keys, ProjectionState& state) {
  std::vector<std::string> agents;
  std::vector<std::string> orders;
  for (const auto& [agent, order] : keys.orders) {
    agents.push_back(agent);
    orders.push_back(order);
  }
  const pqxx::result result = tx.exec_params(
      "SELECT f.agent_id, f.order_id, f.fill_id, f.price::text, f.quantity::text FROM fills f "
      "JOIN unnest($1::text[], $2::text[]) AS k(agent_id, order_id) USING (agent_id, order_id)",
      text_array(agents), text_array(orders));
  for (const pqxx::row& row : result) {
    const auto found = state.orders.find(OrderKey(row[0].c_str(), row[1].c_str()));
    if (found == state.orders.end()) continue;
    OrderState& order = found->second;
    order.fill_ids.insert(row[2].c_str());
    const Decimal price = required_decimal(row[3]);
    const Decimal quantity = required_decimal(row[4]);
    order.notional_e16 += price.units() * quantity.units();  // bounded: checked when applied
  }
}

void Store::advance_offsets(pqxx::dbtransaction& tx,
                            const std::map<std::int32_t, OffsetAdvance>& advances) {
  for (const auto& [partition, advance] : advances) {
    pqxx::result result;
    if (advance.expected) {
      result = tx.exec_params(
          "UPDATE consumer_offsets SET next_offset = $4, updated_at = now() "
          "WHERE consumer_group = $1 AND kafka_topic = $2 AND kafka_partition = $3 "
          "AND next_offset = $5",
          options_.group, options_.kafka.topic, partition, advance.next, *advance.expected);
    } else {
      result = tx.exec_params(
          "INSERT INTO consumer_offsets (consumer_group, kafka_topic, kafka_partition, "
          "next_offset) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
          options_.group, options_.kafka.topic, partition, advance.next);
    }
    if (result.affected_rows() != 1) {
      throw FencedError(
          "partition " + std::to_string(partition) + ": stored offset is not " +
          (advance.expected ? std::to_string(*advance.expected) : std::string("absent")) +
          " any more (another projector moved it)");
    }
  }
}

void Store::write_rows(pqxx::dbtransaction& tx, const BatchRows& rows,
                       const ProjectionState& state) {
  using Clock = std::chrono::steady_clock;
  std::string timing;
  auto step = [&](const char* name, auto&& write) {
    const auto start = Clock::now();
    write();
    if (spdlog::should_log(spdlog::level::debug)) {
      timing += fmt::format(
          " {} {} ms", name,
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
    }
  };
  step("archive", [&] { write_archive(tx, rows); });
  step("processed", [&] { write_processed(tx, rows); });
  step("rejects", [&] { write_rejects(tx, rows); });
  step("parked", [&] { write_parked(tx, rows); });
  step("decisions", [&] { write_decisions(tx, rows); });
  step("signals", [&] { write_signals(tx, rows); });
  step("heartbeats", [&] { write_heartbeats(tx, rows); });
  step("fills", [&] { write_fills(tx, rows); });
  step("order_events", [&] { write_order_events(tx, rows); });
  step("system_events", [&] { write_system_events(tx, rows); });
  step("agents", [&] { upsert_agents(tx, rows); });
  step("agent_status", [&] { upsert_agent_status(tx, rows); });
  step("strategies", [&] { upsert_strategies(tx, rows); });
  step("orders", [&] { upsert_orders(tx, state); });
  step("streams", [&] { upsert_streams(tx, state); });
  spdlog::debug("projector: write timing:{}", timing);
}

}  // namespace ledger::projector
