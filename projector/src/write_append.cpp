// The append-only tables, each written with one binary COPY per batch (binary_copy.hpp).
#include <nlohmann/json.hpp>
#include <tuple>

#include "archive_chain_rows.hpp"
#include "binary_copy.hpp"
#include "ledger/events/json.hpp"
#include "ledger/projector/row_text.hpp"
#include "ledger/projector/sql_text.hpp"
#include "ledger/projector/store.hpp"

namespace ledger::projector {
namespace {

using ledger::v1::Event;
using Columns = std::vector<std::string>;
using OptView = std::optional<std::string_view>;

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

Jsonb marks_json(const ledger::v1::AgentHeartbeat& heartbeat) {
  nlohmann::json marks = nlohmann::json::object();
  for (const auto& [symbol, price] : heartbeat.marks()) {
    marks[symbol] = decimal_text(price).value_or(price);
  }
  return Jsonb{marks.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

std::optional<Jsonb> metadata_json(const google::protobuf::Struct& value, bool present) {
  if (!present) return std::nullopt;
  return Jsonb{struct_json(value)};
}

// nullopt for an empty string, else a view of it (rows outlive their COPY).
OptView view_or_null(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return std::string_view(text);
}

// A decimal wire string (validated before) as numeric; nullopt when empty or unparsable.
std::optional<Numeric> numeric(const std::string& wire) {
  if (wire.empty()) return std::nullopt;
  const std::optional<events::Decimal> value = events::Decimal::parse(wire);
  if (!value) return std::nullopt;
  return Numeric{*value};
}

Numeric numeric_or_zero(const std::string& wire) {
  return numeric(wire).value_or(Numeric{events::Decimal{}});
}

// Empty or zero means "none" (stop-loss / take-profit).
std::optional<Numeric> price_or_null(const std::string& wire) {
  std::optional<Numeric> value = numeric(wire);
  if (value && value->value.is_zero()) return std::nullopt;
  return value;
}

std::optional<Uuid> uuid_or_null(const DecodedEvent& event) {
  std::optional<std::string> text = event_uuid(event);
  if (!text) return std::nullopt;
  return Uuid{std::move(*text)};
}

}  // namespace

void Store::write_archive(pqxx::dbtransaction& tx, const BatchRows& rows) {
  const std::string& topic = options_.kafka.topic;
  if (rows.archive.empty()) return;
  const std::vector<events::ChainHash> hashes =
      chain_archive_rows(tx, topic, rows.archive, chain_seeds_);
  std::size_t row_index = 0;  // copy_binary visits the rows in order
  copy_binary(
      tx, "event_archive",
      Columns{"event_id", "agent_id", "event_type", "occurred_at", "session", "sequence",
              "correlation_id", "causation_id", "kafka_topic", "kafka_partition", "kafka_offset",
              "payload", "chain_hash"},
      rows.archive, [&](const DecodedEvent* e) {
        const events::ChainHash& hash = hashes[row_index++];
        const bool decoded = has_event_text(*e);
        const Event& ev = e->event;
        std::optional<std::int64_t> sequence;
        if (e->status != DecodeStatus::kUndecodable && ev.sequence() != 0) {
          sequence = static_cast<std::int64_t>(ev.sequence());
        }
        return std::make_tuple(
            uuid_or_null(*e), decoded ? view_or_null(ev.agent_id()) : OptView(),
            event_type_text(*e), Timestamp{effective_time_us(*e)},
            decoded ? view_or_null(ev.session()) : OptView(), sequence,
            decoded ? view_or_null(ev.correlation_id()) : OptView(),
            decoded ? view_or_null(ev.causation_id()) : OptView(), std::string_view(topic),
            e->record.partition, e->record.offset, Bytea{e->record.value},
            Bytea{std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size())});
      });
}

void Store::write_processed(pqxx::dbtransaction& tx, const BatchRows& rows) {
  const std::string& topic = options_.kafka.topic;
  copy_binary(tx, "processed_events",
              Columns{"event_id", "agent_id", "occurred_at", "kafka_topic", "kafka_partition",
                      "kafka_offset", "outcome"},
              rows.processed, [&](const ProcessedRow& row) {
                const DecodedEvent& e = *row.event;
                return std::make_tuple(Uuid{e.event.event_id()}, view_or_null(e.event.agent_id()),
                                       Timestamp{effective_time_us(e)}, std::string_view(topic),
                                       e.record.partition, e.record.offset,
                                       std::string_view(row.outcome));
              });
}

void Store::write_rejects(pqxx::dbtransaction& tx, const BatchRows& rows) {
  const std::string& topic = options_.kafka.topic;
  copy_binary(tx, "rejects",
              Columns{"kafka_topic", "kafka_partition", "kafka_offset", "event_id", "agent_id",
                      "event_type", "reason", "details", "event_json", "payload", "occurred_at"},
              rows.rejects, [&](const RejectRow& row) {
                const DecodedEvent& e = *row.event;
                const bool decoded = has_event_text(e);
                // An event whose text is not written (refused, or holding a NUL byte) keeps its
                // id when that is a UUID (checked: not what was refused).
                OptView event_id = decoded ? view_or_null(e.event.event_id()) : OptView();
                if (!decoded && event_uuid(e)) {
                  event_id = std::string_view(e.event.event_id());
                }
                return std::make_tuple(
                    std::string_view(topic), e.record.partition, e.record.offset, event_id,
                    decoded ? view_or_null(e.event.agent_id()) : OptView(), event_type_text(e),
                    std::string_view(reject_reason_name(row.reason)), std::string_view(row.detail),
                    decoded ? std::optional<Jsonb>(Jsonb{events::event_to_json(e.event)})
                            : std::optional<Jsonb>(),
                    Bytea{e.record.value}, Timestamp{effective_time_us(e)});
              });
}

void Store::write_parked(pqxx::dbtransaction& tx, const BatchRows& rows) {
  const std::string& topic = options_.kafka.topic;
  copy_binary(tx, "parked_events",
              Columns{"kafka_topic", "kafka_partition", "kafka_offset", "event_id", "agent_id",
                      "occurred_at", "reason", "payload"},
              rows.parked, [&](const DecodedEvent* e) {
                return std::make_tuple(std::string_view(topic), e->record.partition,
                                       e->record.offset, view_or_null(e->event.event_id()),
                                       view_or_null(e->event.agent_id()),
                                       Timestamp{effective_time_us(*e)},
                                       std::string_view("unknown_payload"), Bytea{e->record.value});
              });
}

void Store::write_decisions(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::DecisionMade;
  copy_binary(tx, "decisions", Columns{"decision_id",
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
                    Uuid{d.decision_id()}, std::string_view(e->event.agent_id()),
                    Timestamp{e->occurred_at_us},
                    enum_text(DecisionMade::Status_descriptor(), d.status()),
                    action == nullptr ? std::string("HOLD") : action->name(),
                    std::string_view(d.symbol()), numeric_or_zero(d.size_usd()),
                    static_cast<std::int32_t>(d.leverage() == 0 ? 1 : d.leverage()),
                    price_or_null(d.stop_loss_price()), price_or_null(d.take_profit_price()),
                    numeric_or_zero(d.confidence()), std::string_view(d.reasoning()),
                    view_or_null(d.prompt_content()), view_or_null(d.llm_response()),
                    static_cast<std::int64_t>(d.execution_time_ms()),
                    view_or_null(d.error_message()), view_or_null(d.strategy_id()),
                    Uuid{e->event.event_id()}, view_or_null(e->event.correlation_id()),
                    view_or_null(e->event.causation_id()), e->record.partition, e->record.offset);
              });
}

void Store::write_signals(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::SignalEmitted;
  copy_binary(tx, "signals",
              Columns{"signal_id", "agent_id", "strategy_id", "symbol", "signal_type", "strength",
                      "confidence", "price", "timeframe", "indicators", "parameters", "occurred_at",
                      "event_id", "correlation_id", "kafka_partition", "kafka_offset"},
              rows.signals, [](const DecodedEvent* e) {
                const SignalEmitted& s = e->event.signal_emitted();
                return std::make_tuple(
                    Uuid{s.signal_id()}, std::string_view(e->event.agent_id()),
                    view_or_null(s.strategy_id()), std::string_view(s.symbol()),
                    enum_text(SignalEmitted::SignalType_descriptor(), s.signal_type()),
                    numeric_or_zero(s.strength()), numeric(s.confidence()), numeric(s.price()),
                    view_or_null(s.timeframe()), metadata_json(s.indicators(), s.has_indicators()),
                    metadata_json(s.parameters(), s.has_parameters()), Timestamp{e->occurred_at_us},
                    Uuid{e->event.event_id()}, view_or_null(e->event.correlation_id()),
                    e->record.partition, e->record.offset);
              });
}

void Store::write_heartbeats(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::AgentHeartbeat;
  copy_binary(tx, "heartbeats",
              Columns{"event_id", "agent_id", "occurred_at", "status", "health_score", "marks",
                      "metadata", "kafka_partition", "kafka_offset"},
              rows.heartbeats, [](const DecodedEvent* e) {
                const AgentHeartbeat& h = e->event.agent_heartbeat();
                return std::make_tuple(Uuid{e->event.event_id()},
                                       std::string_view(e->event.agent_id()),
                                       Timestamp{e->occurred_at_us},
                                       enum_text(AgentHeartbeat::Status_descriptor(), h.status()),
                                       numeric(h.health_score()), marks_json(h),
                                       metadata_json(h.metadata(), h.has_metadata()),
                                       e->record.partition, e->record.offset);
              });
}

void Store::write_fills(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::OrderFilled;
  copy_binary(
      tx, "fills", Columns{"agent_id",     "order_id",       "fill_id",           "symbol",
                           "side",         "price",          "quantity",          "fee",
                           "fee_currency", "liquidity",      "exchange_trade_id", "notional",
                           "occurred_at",  "decision_id",    "strategy_id",       "is_paper",
                           "event_id",     "correlation_id", "kafka_partition",   "kafka_offset"},
      rows.fills, [](const FillRow& row) {
        const DecodedEvent& e = *row.event;
        const OrderFilled& f = e.event.order_filled();
        const OrderState& order = *row.order;
        std::optional<std::string> liquidity;
        if (f.liquidity() != OrderFilled::LIQUIDITY_UNSPECIFIED) {
          liquidity = enum_text(OrderFilled::Liquidity_descriptor(), f.liquidity());
        }
        std::optional<Uuid> decision_id;
        if (!order.decision_id.empty()) decision_id = Uuid{order.decision_id};
        return std::make_tuple(
            std::string_view(e.event.agent_id()), std::string_view(f.order_id()),
            std::string_view(f.fill_id()), std::string_view(order.symbol),
            std::string_view(order.side), numeric_or_zero(f.price()), numeric_or_zero(f.quantity()),
            numeric_or_zero(f.fee()), view_or_null(f.fee_currency()), liquidity,
            view_or_null(f.exchange_trade_id()), Numeric{row.notional}, Timestamp{e.occurred_at_us},
            decision_id, view_or_null(order.strategy_id), order.is_paper, Uuid{e.event.event_id()},
            view_or_null(e.event.correlation_id()), e.record.partition, e.record.offset);
      });
}

void Store::write_order_events(pqxx::dbtransaction& tx, const BatchRows& rows) {
  copy_binary(tx, "order_events",
              Columns{"agent_id", "order_id", "event_type", "from_status", "to_status", "reason",
                      "fill_id", "occurred_at", "event_id", "kafka_partition", "kafka_offset"},
              rows.order_events, [](const OrderEventRow& row) {
                const DecodedEvent& e = *row.event;
                const Event& ev = e.event;
                std::string_view order_id;
                OptView reason;
                OptView fill_id;
                switch (ev.payload_case()) {
                  case Event::kOrderPlaced:
                    order_id = ev.order_placed().order_id();
                    break;
                  case Event::kOrderAccepted:
                    order_id = ev.order_accepted().order_id();
                    break;
                  case Event::kOrderCanceled:
                    order_id = ev.order_canceled().order_id();
                    reason = view_or_null(ev.order_canceled().reason());
                    break;
                  case Event::kOrderRejected:
                    order_id = ev.order_rejected().order_id();
                    reason = view_or_null(ev.order_rejected().reason());
                    break;
                  case Event::kOrderExpired:
                    order_id = ev.order_expired().order_id();
                    reason = view_or_null(ev.order_expired().reason());
                    break;
                  default:
                    order_id = ev.order_filled().order_id();
                    fill_id = std::string_view(ev.order_filled().fill_id());
                    break;
                }
                OptView from;
                if (row.from_status) from = std::string_view(order_status_name(*row.from_status));
                return std::make_tuple(std::string_view(ev.agent_id()), order_id,
                                       event_type_text(e), from,
                                       std::string_view(order_status_name(row.to_status)), reason,
                                       fill_id, Timestamp{e.occurred_at_us}, Uuid{ev.event_id()},
                                       e.record.partition, e.record.offset);
              });
}

void Store::write_system_events(pqxx::dbtransaction& tx, const BatchRows& rows) {
  using ledger::v1::SystemEventReported;
  const Columns columns{"event_id",    "source",          "event_type",  "severity",
                        "component",   "message",         "details",     "agent_id",
                        "occurred_at", "kafka_partition", "kafka_offset"};
  copy_binary(tx, "system_events", columns, rows.reported_system_events, [](const DecodedEvent* e) {
    const SystemEventReported& s = e->event.system_event_reported();
    return std::make_tuple(
        Uuid{e->event.event_id()}, std::string_view("agent"), std::string_view(s.event_type()),
        enum_text(SystemEventReported::Severity_descriptor(), s.severity()),
        view_or_null(s.component()), std::string_view(s.message()),
        metadata_json(s.details(), s.has_details()), view_or_null(e->event.agent_id()),
        Timestamp{e->occurred_at_us}, std::optional<std::int32_t>(e->record.partition),
        std::optional<std::int64_t>(e->record.offset));
  });
  copy_binary(tx, "system_events", columns, rows.derived_system_events,
              [this](const DerivedSystemEvent& d) {
                const DecodedEvent& e = *d.source;
                const bool decoded = has_event_text(e);
                return std::make_tuple(Uuid{event_uuid_or_synthetic(e, options_.kafka.topic)},
                                       std::string_view("derived"), std::string_view(d.event_type),
                                       std::string_view(d.severity), std::string_view("projector"),
                                       std::string_view(d.message), Jsonb{d.details_json},
                                       decoded ? view_or_null(e.event.agent_id()) : OptView(),
                                       Timestamp{effective_time_us(e)},
                                       std::optional<std::int32_t>(e.record.partition),
                                       std::optional<std::int64_t>(e.record.offset));
              });
}

}  // namespace ledger::projector
