// The append-only tables, each written with one COPY per batch (pqxx::stream_to).
#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <tuple>

#include "ledger/events/json.hpp"
#include "row_text.hpp"
#include "sql_text.hpp"
#include "store.hpp"

namespace ledger::projector {
namespace {

using ledger::v1::Event;
using Columns = std::vector<std::string>;
using OptText = std::optional<std::string>;

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A proto enum value's name in lower case ("order_placed" style tables keep lower-case text).
template <typename Enum>
std::string enum_text(const google::protobuf::EnumDescriptor* descriptor, Enum value) {
  const google::protobuf::EnumValueDescriptor* found =
      descriptor->FindValueByNumber(static_cast<int>(value));
  return found == nullptr ? std::string("unspecified") : lower(found->name());
}

std::string marks_json(const ledger::v1::AgentHeartbeat& heartbeat) {
  nlohmann::json marks = nlohmann::json::object();
  for (const auto& [symbol, price] : heartbeat.marks()) {
    marks[symbol] = decimal_text(price).value_or(price);
  }
  return marks.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

OptText metadata_json(const google::protobuf::Struct& value, bool present) {
  if (!present) return std::nullopt;
  return struct_json(value);
}

template <typename Rows, typename MakeRow>
void copy_rows(pqxx::dbtransaction& tx, const char* table, const Columns& columns, const Rows& rows,
               MakeRow make_row) {
  if (rows.empty()) return;
  pqxx::stream_to stream(tx, table, columns);
  for (const auto& row : rows) stream << make_row(row);
  stream.complete();
}

}  // namespace

void Store::write_archive(pqxx::dbtransaction& tx, const BatchRows& rows) {
  const std::string& topic = options_.kafka.topic;
  copy_rows(tx, "event_archive",
            Columns{"event_id", "agent_id", "event_type", "occurred_at", "session", "sequence",
                    "correlation_id", "causation_id", "kafka_topic", "kafka_partition",
                    "kafka_offset", "payload"},
            rows.archive, [&](const DecodedEvent* e) {
              const bool decoded = e->status != DecodeStatus::kUndecodable;
              const Event& ev = e->event;
              std::optional<std::int64_t> sequence;
              if (decoded && ev.sequence() != 0) {
                sequence = static_cast<std::int64_t>(ev.sequence());
              }
              return std::make_tuple(event_uuid(*e), decoded ? nullable(ev.agent_id()) : OptText(),
                                     event_type_text(*e), timestamp_text(effective_time_us(*e)),
                                     decoded ? nullable(ev.session()) : OptText(), sequence,
                                     decoded ? nullable(ev.correlation_id()) : OptText(),
                                     decoded ? nullable(ev.causation_id()) : OptText(), topic,
                                     e->record.partition, e->record.offset,
                                     bytea_text(e->record.value));
            });
}

void Store::write_processed(pqxx::dbtransaction& tx, const BatchRows& rows) {
  const std::string& topic = options_.kafka.topic;
  copy_rows(tx, "processed_events",
            Columns{"event_id", "agent_id", "occurred_at", "kafka_topic", "kafka_partition",
                    "kafka_offset", "outcome"},
            rows.processed, [&](const ProcessedRow& row) {
              const DecodedEvent& e = *row.event;
              return std::make_tuple(e.event.event_id(), nullable(e.event.agent_id()),
                                     timestamp_text(effective_time_us(e)), topic,
                                     e.record.partition, e.record.offset, std::string(row.outcome));
            });
}

void Store::write_rejects(pqxx::dbtransaction& tx, const BatchRows& rows) {
  const std::string& topic = options_.kafka.topic;
  copy_rows(tx, "rejects",
            Columns{"kafka_topic", "kafka_partition", "kafka_offset", "event_id", "agent_id",
                    "event_type", "reason", "details", "event_json", "payload", "occurred_at"},
            rows.rejects, [&](const RejectRow& row) {
              const DecodedEvent& e = *row.event;
              const bool decoded = e.status != DecodeStatus::kUndecodable;
              return std::make_tuple(
                  topic, e.record.partition, e.record.offset,
                  decoded ? nullable(e.event.event_id()) : OptText(),
                  decoded ? nullable(e.event.agent_id()) : OptText(), event_type_text(e),
                  std::string(reject_reason_name(row.reason)), row.detail,
                  decoded ? OptText(events::event_to_json(e.event)) : OptText(),
                  bytea_text(e.record.value), timestamp_text(effective_time_us(e)));
            });
}

void Store::write_parked(pqxx::dbtransaction& tx, const BatchRows& rows) {
  const std::string& topic = options_.kafka.topic;
  copy_rows(tx, "parked_events",
            Columns{"kafka_topic", "kafka_partition", "kafka_offset", "event_id", "agent_id",
                    "occurred_at", "reason", "payload"},
            rows.parked, [&](const DecodedEvent* e) {
              return std::make_tuple(topic, e->record.partition, e->record.offset,
                                     nullable(e->event.event_id()), nullable(e->event.agent_id()),
                                     timestamp_text(effective_time_us(*e)),
                                     std::string("unknown_payload"), bytea_text(e->record.value));
            });
}

void Store::write_decisions(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::DecisionMade;
  copy_rows(tx, "decisions", Columns{"decision_id",
                                     "agent_id",
                                     "occurred_at",
                                     "status",
                                     "action",
                                     "symbol",
                                     "size_usd",
                                     "leverage",
                                     "stop_loss_price",
                                     "take_profit_price",
                                     "confidence",
                                     "reasoning",
                                     "prompt_content",
                                     "llm_response",
                                     "execution_time_ms",
                                     "error_message",
                                     "strategy_id",
                                     "event_id",
                                     "correlation_id",
                                     "causation_id",
                                     "kafka_partition",
                                     "kafka_offset"},
            rows.decisions, [](const DecodedEvent* e) {
              const DecisionMade& d = e->event.decision_made();
              const google::protobuf::EnumValueDescriptor* action =
                  DecisionMade::Action_descriptor()->FindValueByNumber(d.action());
              return std::make_tuple(
                  d.decision_id(), e->event.agent_id(), timestamp_text(e->occurred_at_us),
                  enum_text(DecisionMade::Status_descriptor(), d.status()),
                  action == nullptr ? std::string("HOLD") : action->name(), d.symbol(),
                  decimal_text(d.size_usd()).value_or("0"),
                  static_cast<std::int64_t>(d.leverage() == 0 ? 1 : d.leverage()),
                  price_or_none(d.stop_loss_price()), price_or_none(d.take_profit_price()),
                  decimal_text(d.confidence()).value_or("0"), d.reasoning(),
                  nullable(d.prompt_content()), nullable(d.llm_response()),
                  static_cast<std::int64_t>(d.execution_time_ms()), nullable(d.error_message()),
                  nullable(d.strategy_id()), e->event.event_id(),
                  nullable(e->event.correlation_id()), nullable(e->event.causation_id()),
                  e->record.partition, e->record.offset);
            });
}

void Store::write_signals(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::SignalEmitted;
  copy_rows(tx, "signals",
            Columns{"signal_id", "agent_id", "strategy_id", "symbol", "signal_type", "strength",
                    "confidence", "price", "timeframe", "indicators", "parameters", "occurred_at",
                    "event_id", "correlation_id", "kafka_partition", "kafka_offset"},
            rows.signals, [](const DecodedEvent* e) {
              const SignalEmitted& s = e->event.signal_emitted();
              return std::make_tuple(
                  s.signal_id(), e->event.agent_id(), nullable(s.strategy_id()), s.symbol(),
                  enum_text(SignalEmitted::SignalType_descriptor(), s.signal_type()),
                  decimal_text(s.strength()).value_or("0"), decimal_text(s.confidence()),
                  decimal_text(s.price()), nullable(s.timeframe()),
                  metadata_json(s.indicators(), s.has_indicators()),
                  metadata_json(s.parameters(), s.has_parameters()),
                  timestamp_text(e->occurred_at_us), e->event.event_id(),
                  nullable(e->event.correlation_id()), e->record.partition, e->record.offset);
            });
}

void Store::write_heartbeats(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::AgentHeartbeat;
  copy_rows(tx, "heartbeats",
            Columns{"event_id", "agent_id", "occurred_at", "status", "health_score", "marks",
                    "metadata", "kafka_partition", "kafka_offset"},
            rows.heartbeats, [](const DecodedEvent* e) {
              const AgentHeartbeat& h = e->event.agent_heartbeat();
              return std::make_tuple(e->event.event_id(), e->event.agent_id(),
                                     timestamp_text(e->occurred_at_us),
                                     enum_text(AgentHeartbeat::Status_descriptor(), h.status()),
                                     decimal_text(h.health_score()), marks_json(h),
                                     metadata_json(h.metadata(), h.has_metadata()),
                                     e->record.partition, e->record.offset);
            });
}

void Store::write_fills(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::OrderFilled;
  copy_rows(tx, "fills",
            Columns{"agent_id",     "order_id",       "fill_id",           "symbol",
                    "side",         "price",          "quantity",          "fee",
                    "fee_currency", "liquidity",      "exchange_trade_id", "notional",
                    "occurred_at",  "decision_id",    "strategy_id",       "is_paper",
                    "event_id",     "correlation_id", "kafka_partition",   "kafka_offset"},
            rows.fills, [](const FillRow& row) {
              const DecodedEvent& e = *row.event;
              const OrderFilled& f = e.event.order_filled();
              const OrderState& order = *row.order;
              OptText liquidity;
              if (f.liquidity() != OrderFilled::LIQUIDITY_UNSPECIFIED) {
                liquidity = enum_text(OrderFilled::Liquidity_descriptor(), f.liquidity());
              }
              return std::make_tuple(
                  e.event.agent_id(), f.order_id(), f.fill_id(), order.symbol, order.side,
                  decimal_text(f.price()).value_or("0"), decimal_text(f.quantity()).value_or("0"),
                  decimal_text(f.fee()).value_or("0"), nullable(f.fee_currency()), liquidity,
                  nullable(f.exchange_trade_id()), row.notional.to_string(),
                  timestamp_text(e.occurred_at_us), nullable(order.decision_id),
                  nullable(order.strategy_id), order.is_paper, e.event.event_id(),
                  nullable(e.event.correlation_id()), e.record.partition, e.record.offset);
            });
}

void Store::write_order_events(pqxx::dbtransaction& tx, const BatchRows& rows) {
  copy_rows(tx, "order_events",
            Columns{"agent_id", "order_id", "event_type", "from_status", "to_status", "reason",
                    "fill_id", "occurred_at", "event_id", "kafka_partition", "kafka_offset"},
            rows.order_events, [](const OrderEventRow& row) {
              const DecodedEvent& e = *row.event;
              const Event& ev = e.event;
              std::string order_id;
              OptText reason;
              OptText fill_id;
              switch (ev.payload_case()) {
                case Event::kOrderPlaced:
                  order_id = ev.order_placed().order_id();
                  break;
                case Event::kOrderAccepted:
                  order_id = ev.order_accepted().order_id();
                  break;
                case Event::kOrderCanceled:
                  order_id = ev.order_canceled().order_id();
                  reason = nullable(ev.order_canceled().reason());
                  break;
                case Event::kOrderRejected:
                  order_id = ev.order_rejected().order_id();
                  reason = nullable(ev.order_rejected().reason());
                  break;
                case Event::kOrderExpired:
                  order_id = ev.order_expired().order_id();
                  reason = nullable(ev.order_expired().reason());
                  break;
                default:
                  order_id = ev.order_filled().order_id();
                  fill_id = ev.order_filled().fill_id();
                  break;
              }
              OptText from;
              if (row.from_status) from = std::string(order_status_name(*row.from_status));
              return std::make_tuple(ev.agent_id(), order_id, event_type_text(e), from,
                                     std::string(order_status_name(row.to_status)), reason, fill_id,
                                     timestamp_text(e.occurred_at_us), ev.event_id(),
                                     e.record.partition, e.record.offset);
            });
}

void Store::write_system_events(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::SystemEventReported;
  const Columns columns{"event_id",    "source",          "event_type",  "severity",
                        "component",   "message",         "details",     "agent_id",
                        "occurred_at", "kafka_partition", "kafka_offset"};
  if (rows.reported_system_events.empty() && rows.derived_system_events.empty()) return;
  pqxx::stream_to stream(tx, "system_events", columns);
  for (const DecodedEvent* e : rows.reported_system_events) {
    const SystemEventReported& s = e->event.system_event_reported();
    stream << std::make_tuple(e->event.event_id(), std::string("agent"), s.event_type(),
                              enum_text(SystemEventReported::Severity_descriptor(), s.severity()),
                              nullable(s.component()), s.message(),
                              metadata_json(s.details(), s.has_details()),
                              nullable(e->event.agent_id()), timestamp_text(e->occurred_at_us),
                              std::optional<std::int32_t>(e->record.partition),
                              std::optional<std::int64_t>(e->record.offset));
  }
  for (const DerivedSystemEvent& d : rows.derived_system_events) {
    const DecodedEvent& e = *d.source;
    const bool decoded = e.status != DecodeStatus::kUndecodable;
    stream << std::make_tuple(
        event_uuid_or_synthetic(e, options_.kafka.topic), std::string("derived"), d.event_type,
        d.severity, OptText("projector"), d.message, OptText(d.details_json),
        decoded ? nullable(e.event.agent_id()) : OptText(), timestamp_text(effective_time_us(e)),
        std::optional<std::int32_t>(e.record.partition),
        std::optional<std::int64_t>(e.record.offset));
  }
  stream.complete();
}

}  // namespace ledger::projector
