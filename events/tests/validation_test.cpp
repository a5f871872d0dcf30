// Validation: every payload's valid example passes; each broken field is reported by path and
// reason; every problem is reported, not only the first; unknown payloads are detected.
#include "ledger/events/validation.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>
#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "examples.hpp"
#include "ledger/events/event_types.hpp"

namespace ledger::events {
namespace {

using ledger::v1::Event;

std::string describe(const std::vector<FieldError>& errors) {
  std::string text;
  for (const auto& error : errors) text += "\n  " + error.to_string();
  return text.empty() ? " (none)" : text;
}

class ValidExample : public ::testing::TestWithParam<Event::PayloadCase> {};

TEST_P(ValidExample, Passes) {
  const Event event = valid_example(GetParam());
  ASSERT_EQ(event.payload_case(), GetParam());
  const auto errors = validate(event);
  EXPECT_TRUE(errors.empty()) << payload_name(GetParam()) << ":" << describe(errors);
}

INSTANTIATE_TEST_SUITE_P(EveryPayload, ValidExample, ::testing::ValuesIn(all_payload_cases()),
                         [](const auto& case_info) {
                           return std::string(payload_name(case_info.param));
                         });

// One broken event: the valid example of `payload`, changed by `mutate`, must yield exactly
// `expected` (in order).
struct InvalidCase {
  const char* name;
  Event::PayloadCase payload;
  std::function<void(Event&)> mutate;
  std::vector<FieldError> expected;
};

void PrintTo(const InvalidCase& c, std::ostream* out) { *out << c.name; }

class Invalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(Invalid, NamesTheFieldAndTheReason) {
  Event event = valid_example(GetParam().payload);
  GetParam().mutate(event);
  const auto errors = validate(event);
  EXPECT_EQ(errors, GetParam().expected)
      << "got:" << describe(errors) << "\nwant:" << describe(GetParam().expected);
}

std::string invalid_name(const ::testing::TestParamInfo<InvalidCase>& info) {
  return info.param.name;
}

using E = Event;
constexpr auto kRegistered = E::kAgentRegistered;
constexpr auto kDecision = E::kDecisionMade;
constexpr auto kSignal = E::kSignalEmitted;
constexpr auto kPlaced = E::kOrderPlaced;
constexpr auto kFilled = E::kOrderFilled;
constexpr auto kHeartbeat = E::kAgentHeartbeat;
constexpr auto kBalance = E::kBalanceAdjusted;
constexpr auto kSystem = E::kSystemEventReported;

const char* const kRequired = "is required";

INSTANTIATE_TEST_SUITE_P(
    Envelope, Invalid,
    ::testing::Values(
        InvalidCase{"event_id_missing",
                    kFilled,
                    [](E& e) { e.clear_event_id(); },
                    {{"event_id", kRequired}}},
        InvalidCase{"event_id_not_uuid",
                    kFilled,
                    [](E& e) { e.set_event_id("evt-1"); },
                    {{"event_id", "must be a UUID (8-4-4-4-12 hex)"}}},
        InvalidCase{"agent_id_missing",
                    kFilled,
                    [](E& e) { e.clear_agent_id(); },
                    {{"agent_id", kRequired}}},
        InvalidCase{"agent_id_too_long",
                    kFilled,
                    [](E& e) { e.set_agent_id(std::string(101, 'a')); },
                    {{"agent_id", "must be at most 100 characters"}}},
        InvalidCase{"occurred_at_missing",
                    kFilled,
                    [](E& e) { e.clear_occurred_at(); },
                    {{"occurred_at", kRequired}}},
        InvalidCase{"occurred_at_bad_nanos",
                    kFilled,
                    [](E& e) { e.mutable_occurred_at()->set_nanos(-1); },
                    {{"occurred_at", "must be a valid time between years 0001 and 9999"}}},
        InvalidCase{"occurred_at_year_10000",
                    kFilled,
                    [](E& e) { e.mutable_occurred_at()->set_seconds(253'402'300'800); },
                    {{"occurred_at", "must be a valid time between years 0001 and 9999"}}},
        InvalidCase{"payload_missing",
                    kFilled,
                    [](E& e) { e.clear_payload(); },
                    {{"payload", "no payload set"}}}),
    invalid_name);

INSTANTIATE_TEST_SUITE_P(
    AgentRegistered, Invalid,
    ::testing::Values(
        InvalidCase{"name",
                    kRegistered,
                    [](E& e) { e.mutable_agent_registered()->clear_name(); },
                    {{"agent_registered.name", kRequired}}},
        InvalidCase{"llm_model",
                    kRegistered,
                    [](E& e) { e.mutable_agent_registered()->clear_llm_model(); },
                    {{"agent_registered.llm_model", kRequired}}},
        InvalidCase{"initial_balance_negative",
                    kRegistered,
                    [](E& e) { e.mutable_agent_registered()->set_initial_balance("-1"); },
                    {{"agent_registered.initial_balance", "must be at least 0"}}},
        InvalidCase{"initial_balance_missing",
                    kRegistered,
                    [](E& e) { e.mutable_agent_registered()->clear_initial_balance(); },
                    {{"agent_registered.initial_balance", kRequired}}},
        InvalidCase{
            "max_position_size_pct_zero",
            kRegistered,
            [](E& e) { e.mutable_agent_registered()->set_max_position_size_pct("0"); },
            {{"agent_registered.max_position_size_pct", "must be greater than 0 and at most 100"}}},
        InvalidCase{
            "max_position_size_pct_above_100",
            kRegistered,
            [](E& e) { e.mutable_agent_registered()->set_max_position_size_pct("100.00000001"); },
            {{"agent_registered.max_position_size_pct", "must be greater than 0 and at most 100"}}},
        InvalidCase{"max_leverage_zero",
                    kRegistered,
                    [](E& e) { e.mutable_agent_registered()->set_max_leverage(0); },
                    {{"agent_registered.max_leverage", "must be within 1..100"}}},
        InvalidCase{"max_leverage_101",
                    kRegistered,
                    [](E& e) { e.mutable_agent_registered()->set_max_leverage(101); },
                    {{"agent_registered.max_leverage", "must be within 1..100"}}},
        InvalidCase{"stop_loss_pct",
                    kRegistered,
                    [](E& e) { e.mutable_agent_registered()->set_stop_loss_pct("101"); },
                    {{"agent_registered.stop_loss_pct", "must be within 0..100"}}},
        InvalidCase{"take_profit_pct",
                    kRegistered,
                    [](E& e) { e.mutable_agent_registered()->set_take_profit_pct("1000.5"); },
                    {{"agent_registered.take_profit_pct", "must be within 0..1000"}}}),
    invalid_name);

INSTANTIATE_TEST_SUITE_P(
    AgentStatusChanged, Invalid,
    ::testing::Values(InvalidCase{"status_unset",
                                  E::kAgentStatusChanged,
                                  [](E& e) { e.mutable_agent_status_changed()->clear_status(); },
                                  {{"agent_status_changed.status",
                                    "must be set (not STATUS_UNSPECIFIED)"}}},
                      InvalidCase{"status_unknown_number",
                                  E::kAgentStatusChanged,
                                  [](E& e) {
                                    e.mutable_agent_status_changed()->set_status(
                                        static_cast<ledger::v1::AgentStatusChanged::Status>(42));
                                  },
                                  {{"agent_status_changed.status", "unknown value 42"}}}),
    invalid_name);

INSTANTIATE_TEST_SUITE_P(
    DecisionMade, Invalid,
    ::testing::Values(
        InvalidCase{"decision_id",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->clear_decision_id(); },
                    {{"decision_made.decision_id", kRequired}}},
        InvalidCase{"action",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->clear_action(); },
                    {{"decision_made.action", "must be set (not ACTION_UNSPECIFIED)"}}},
        InvalidCase{"status",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->clear_status(); },
                    {{"decision_made.status", "must be set (not STATUS_UNSPECIFIED)"}}},
        InvalidCase{"symbol",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->clear_symbol(); },
                    {{"decision_made.symbol", kRequired}}},
        InvalidCase{"size_usd",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->set_size_usd("-5"); },
                    {{"decision_made.size_usd", "must be at least 0"}}},
        InvalidCase{"leverage",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->set_leverage(0); },
                    {{"decision_made.leverage", "must be at least 1"}}},
        InvalidCase{"stop_loss_price",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->set_stop_loss_price("-1"); },
                    {{"decision_made.stop_loss_price", "must be at least 0"}}},
        InvalidCase{"take_profit_price",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->set_take_profit_price("x"); },
                    {{"decision_made.take_profit_price", "not a decimal number: \"x\""}}},
        InvalidCase{"confidence_above_1",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->set_confidence("1.01"); },
                    {{"decision_made.confidence", "must be within 0..1"}}},
        InvalidCase{"confidence_missing",
                    kDecision,
                    [](E& e) { e.mutable_decision_made()->clear_confidence(); },
                    {{"decision_made.confidence", kRequired}}},
        InvalidCase{
            "error_message_when_failed",
            kDecision,
            [](E& e) { e.mutable_decision_made()->set_status(ledger::v1::DecisionMade::FAILED); },
            {{"decision_made.error_message", "is required when status is FAILED"}}},
        InvalidCase{"error_message_when_parsing_error",
                    kDecision,
                    [](E& e) {
                      e.mutable_decision_made()->set_status(
                          ledger::v1::DecisionMade::PARSING_ERROR);
                    },
                    {{"decision_made.error_message", "is required when status is PARSING_ERROR"}}}),
    invalid_name);

INSTANTIATE_TEST_SUITE_P(
    SignalEmitted, Invalid,
    ::testing::Values(InvalidCase{"signal_id",
                                  kSignal,
                                  [](E& e) { e.mutable_signal_emitted()->clear_signal_id(); },
                                  {{"signal_emitted.signal_id", kRequired}}},
                      InvalidCase{"symbol",
                                  kSignal,
                                  [](E& e) { e.mutable_signal_emitted()->clear_symbol(); },
                                  {{"signal_emitted.symbol", kRequired}}},
                      InvalidCase{"signal_type",
                                  kSignal,
                                  [](E& e) { e.mutable_signal_emitted()->clear_signal_type(); },
                                  {{"signal_emitted.signal_type",
                                    "must be set (not SIGNAL_TYPE_UNSPECIFIED)"}}},
                      InvalidCase{"strength",
                                  kSignal,
                                  [](E& e) { e.mutable_signal_emitted()->set_strength("1.5"); },
                                  {{"signal_emitted.strength", "must be within 0..1"}}},
                      InvalidCase{"confidence",
                                  kSignal,
                                  [](E& e) { e.mutable_signal_emitted()->set_confidence("-0.1"); },
                                  {{"signal_emitted.confidence", "must be within 0..1"}}},
                      InvalidCase{"price_zero",
                                  kSignal,
                                  [](E& e) { e.mutable_signal_emitted()->set_price("0"); },
                                  {{"signal_emitted.price", "must be greater than 0"}}}),
    invalid_name);

INSTANTIATE_TEST_SUITE_P(
    OrderPlaced, Invalid,
    ::testing::Values(
        InvalidCase{"order_id",
                    kPlaced,
                    [](E& e) { e.mutable_order_placed()->clear_order_id(); },
                    {{"order_placed.order_id", kRequired}}},
        InvalidCase{"symbol",
                    kPlaced,
                    [](E& e) { e.mutable_order_placed()->clear_symbol(); },
                    {{"order_placed.symbol", kRequired}}},
        InvalidCase{"side",
                    kPlaced,
                    [](E& e) { e.mutable_order_placed()->clear_side(); },
                    {{"order_placed.side", "must be set (not SIDE_UNSPECIFIED)"}}},
        InvalidCase{"order_type",
                    kPlaced,
                    [](E& e) {
                      e.mutable_order_placed()->clear_order_type();
                      e.mutable_order_placed()->clear_price();
                    },
                    {{"order_placed.order_type", "must be set (not ORDER_TYPE_UNSPECIFIED)"}}},
        InvalidCase{"quantity_zero",
                    kPlaced,
                    [](E& e) { e.mutable_order_placed()->set_quantity("0"); },
                    {{"order_placed.quantity", "must be greater than 0"}}},
        InvalidCase{"quantity_too_precise",
                    kPlaced,
                    [](E& e) { e.mutable_order_placed()->set_quantity("0.000000001"); },
                    {{"order_placed.quantity", "more than 8 digits after the decimal point"}}},
        InvalidCase{"price_required_for_limit",
                    kPlaced,
                    [](E& e) { e.mutable_order_placed()->clear_price(); },
                    {{"order_placed.price", "is required for LIMIT orders"}}},
        InvalidCase{"price_negative",
                    kPlaced,
                    [](E& e) { e.mutable_order_placed()->set_price("-1"); },
                    {{"order_placed.price", "must be greater than 0"}}},
        InvalidCase{
            "stop_price_required_for_stop",
            kPlaced,
            [](E& e) { e.mutable_order_placed()->set_order_type(ledger::v1::OrderPlaced::STOP); },
            {{"order_placed.stop_price", "is required for STOP orders"}}},
        InvalidCase{"both_prices_required_for_stop_limit",
                    kPlaced,
                    [](E& e) {
                      e.mutable_order_placed()->set_order_type(ledger::v1::OrderPlaced::STOP_LIMIT);
                      e.mutable_order_placed()->clear_price();
                    },
                    {{"order_placed.price", "is required for STOP_LIMIT orders"},
                     {"order_placed.stop_price", "is required for STOP_LIMIT orders"}}},
        InvalidCase{"stop_price_zero",
                    kPlaced,
                    [](E& e) { e.mutable_order_placed()->set_stop_price("0"); },
                    {{"order_placed.stop_price", "must be greater than 0"}}}),
    invalid_name);

INSTANTIATE_TEST_SUITE_P(
    OrderUpdates, Invalid,
    ::testing::Values(InvalidCase{"accepted",
                                  E::kOrderAccepted,
                                  [](E& e) { e.mutable_order_accepted()->clear_order_id(); },
                                  {{"order_accepted.order_id", kRequired}}},
                      InvalidCase{"canceled",
                                  E::kOrderCanceled,
                                  [](E& e) { e.mutable_order_canceled()->clear_order_id(); },
                                  {{"order_canceled.order_id", kRequired}}},
                      InvalidCase{"rejected",
                                  E::kOrderRejected,
                                  [](E& e) { e.mutable_order_rejected()->clear_order_id(); },
                                  {{"order_rejected.order_id", kRequired}}},
                      InvalidCase{"expired",
                                  E::kOrderExpired,
                                  [](E& e) { e.mutable_order_expired()->clear_order_id(); },
                                  {{"order_expired.order_id", kRequired}}}),
    invalid_name);

INSTANTIATE_TEST_SUITE_P(
    OrderFilled, Invalid,
    ::testing::Values(InvalidCase{"order_id",
                                  kFilled,
                                  [](E& e) { e.mutable_order_filled()->clear_order_id(); },
                                  {{"order_filled.order_id", kRequired}}},
                      InvalidCase{"fill_id",
                                  kFilled,
                                  [](E& e) { e.mutable_order_filled()->clear_fill_id(); },
                                  {{"order_filled.fill_id", kRequired}}},
                      InvalidCase{"price_garbage",
                                  kFilled,
                                  [](E& e) { e.mutable_order_filled()->set_price("abc"); },
                                  {{"order_filled.price", "not a decimal number: \"abc\""}}},
                      InvalidCase{"price_missing",
                                  kFilled,
                                  [](E& e) { e.mutable_order_filled()->clear_price(); },
                                  {{"order_filled.price", kRequired}}},
                      InvalidCase{"quantity_negative",
                                  kFilled,
                                  [](E& e) { e.mutable_order_filled()->set_quantity("-0.5"); },
                                  {{"order_filled.quantity", "must be greater than 0"}}},
                      InvalidCase{"quantity_too_large",
                                  kFilled,
                                  [](E& e) { e.mutable_order_filled()->set_quantity("1e20"); },
                                  {{"order_filled.quantity",
                                    "more than 16 digits before the decimal point"}}},
                      InvalidCase{"fee_garbage",
                                  kFilled,
                                  [](E& e) { e.mutable_order_filled()->set_fee("1.5 USD"); },
                                  {{"order_filled.fee", "not a decimal number: \"1.5 USD\""}}},
                      InvalidCase{"liquidity_unknown",
                                  kFilled,
                                  [](E& e) {
                                    e.mutable_order_filled()->set_liquidity(
                                        static_cast<ledger::v1::OrderFilled::Liquidity>(7));
                                  },
                                  {{"order_filled.liquidity", "unknown value 7"}}}),
    invalid_name);

INSTANTIATE_TEST_SUITE_P(
    AgentHeartbeat, Invalid,
    ::testing::Values(
        InvalidCase{"status",
                    kHeartbeat,
                    [](E& e) { e.mutable_agent_heartbeat()->clear_status(); },
                    {{"agent_heartbeat.status", "must be set (not STATUS_UNSPECIFIED)"}}},
        InvalidCase{"health_score",
                    kHeartbeat,
                    [](E& e) { e.mutable_agent_heartbeat()->set_health_score("2"); },
                    {{"agent_heartbeat.health_score", "must be within 0..1"}}},
        InvalidCase{"mark_zero",
                    kHeartbeat,
                    [](E& e) { (*e.mutable_agent_heartbeat()->mutable_marks())["BTC"] = "0"; },
                    {{"agent_heartbeat.marks[BTC]", "must be greater than 0"}}},
        InvalidCase{"mark_empty",
                    kHeartbeat,
                    [](E& e) { (*e.mutable_agent_heartbeat()->mutable_marks())["ETH"] = ""; },
                    {{"agent_heartbeat.marks[ETH]", kRequired}}},
        InvalidCase{"mark_empty_symbol",
                    kHeartbeat,
                    [](E& e) { (*e.mutable_agent_heartbeat()->mutable_marks())[""] = "1"; },
                    {{"agent_heartbeat.marks[]", "symbol must not be empty"}}},
        InvalidCase{"marks_sorted_by_symbol",
                    kHeartbeat,
                    [](E& e) {
                      auto& marks = *e.mutable_agent_heartbeat()->mutable_marks();
                      marks["SOL"] = "x";
                      marks["ADA"] = "-1";
                    },
                    {{"agent_heartbeat.marks[ADA]", "must be greater than 0"},
                     {"agent_heartbeat.marks[SOL]", "not a decimal number: \"x\""}}}),
    invalid_name);

INSTANTIATE_TEST_SUITE_P(
    BalanceAndSystem, Invalid,
    ::testing::Values(
        InvalidCase{"amount_zero",
                    kBalance,
                    [](E& e) { e.mutable_balance_adjusted()->set_amount("-0.0"); },
                    {{"balance_adjusted.amount", "must not be zero"}}},
        InvalidCase{"amount_missing",
                    kBalance,
                    [](E& e) { e.mutable_balance_adjusted()->clear_amount(); },
                    {{"balance_adjusted.amount", kRequired}}},
        InvalidCase{"reason",
                    kBalance,
                    [](E& e) { e.mutable_balance_adjusted()->clear_reason(); },
                    {{"balance_adjusted.reason", "must be set (not REASON_UNSPECIFIED)"}}},
        InvalidCase{"event_type",
                    kSystem,
                    [](E& e) { e.mutable_system_event_reported()->clear_event_type(); },
                    {{"system_event_reported.event_type", kRequired}}},
        InvalidCase{"severity",
                    kSystem,
                    [](E& e) { e.mutable_system_event_reported()->clear_severity(); },
                    {{"system_event_reported.severity", "must be set (not SEVERITY_UNSPECIFIED)"}}},
        InvalidCase{"message",
                    kSystem,
                    [](E& e) { e.mutable_system_event_reported()->clear_message(); },
                    {{"system_event_reported.message", kRequired}}}),
    invalid_name);

// Text with NUL bytes (PostgreSQL text cannot hold one) is rejected by validation, the field
// named, wherever it is: envelope, payload, a map's key or value.
INSTANTIATE_TEST_SUITE_P(
    NulBytes, Invalid,
    ::testing::Values(
        InvalidCase{"in_agent_id",
                    kDecision,
                    [](E& e) { e.set_agent_id(std::string("agent\0one", 9)); },
                    {{"agent_id", "must not contain NUL bytes"}}},
        InvalidCase{
            "in_reasoning",
            kDecision,
            [](E& e) { e.mutable_decision_made()->set_reasoning(std::string("buy\0 now", 8)); },
            {{"decision_made.reasoning", "must not contain NUL bytes"}}},
        InvalidCase{"in_a_map_key",
                    kHeartbeat,
                    [](E& e) {
                      (*e.mutable_agent_heartbeat()->mutable_marks())[std::string("B\0C", 3)] = "1";
                    },
                    {{"agent_heartbeat.marks[B\\0C]", "must not contain NUL bytes"}}},
        InvalidCase{
            "in_a_map_value",
            kHeartbeat,
            [](E& e) {
              (*e.mutable_agent_heartbeat()->mutable_marks())["ETH"] = std::string("1\0", 2);
            },
            {{"agent_heartbeat.marks[ETH]", "not a decimal number: \"1?\""},  // quoted safely
             {"agent_heartbeat.marks[ETH]", "must not contain NUL bytes"}}}),
    invalid_name);

TEST(Validation, ReportsEveryProblemInOrder) {
  Event event = valid_example(Event::kOrderFilled);
  event.set_event_id("nope");
  event.clear_occurred_at();
  auto& fill = *event.mutable_order_filled();
  fill.set_price("abc");
  fill.set_quantity("0");
  const std::vector<FieldError> expected = {
      {"event_id", "must be a UUID (8-4-4-4-12 hex)"},
      {"occurred_at", "is required"},
      {"order_filled.price", "not a decimal number: \"abc\""},
      {"order_filled.quantity", "must be greater than 0"},
  };
  EXPECT_EQ(validate(event), expected);
}

TEST(Validation, HoldNeedsNoSymbolAndAcceptsRangeEnds) {
  Event event = valid_example(Event::kDecisionMade);
  auto& decision = *event.mutable_decision_made();
  decision.set_action(ledger::v1::DecisionMade::HOLD);
  decision.clear_symbol();
  decision.set_size_usd("0");
  decision.set_leverage(1);
  decision.set_confidence("1");
  decision.clear_stop_loss_price();
  decision.set_take_profit_price("0");
  EXPECT_EQ(validate(event), std::vector<FieldError>{});
}

TEST(Validation, OptionalFieldsMayBeEmpty) {
  Event signal = valid_example(Event::kSignalEmitted);
  signal.mutable_signal_emitted()->clear_confidence();
  signal.mutable_signal_emitted()->clear_price();
  EXPECT_EQ(validate(signal), std::vector<FieldError>{});

  Event fill = valid_example(Event::kOrderFilled);
  fill.mutable_order_filled()->clear_fee();
  EXPECT_EQ(validate(fill), std::vector<FieldError>{});
  fill.mutable_order_filled()->set_fee("-0.25");  // a rebate
  EXPECT_EQ(validate(fill), std::vector<FieldError>{});

  Event market = valid_example(Event::kOrderPlaced);
  market.mutable_order_placed()->set_order_type(ledger::v1::OrderPlaced::MARKET);
  market.mutable_order_placed()->clear_price();
  EXPECT_EQ(validate(market), std::vector<FieldError>{});

  Event envelope = valid_example(Event::kAgentHeartbeat);
  envelope.clear_session();
  envelope.clear_sequence();
  envelope.clear_correlation_id();
  envelope.clear_causation_id();
  envelope.mutable_agent_heartbeat()->clear_health_score();
  envelope.mutable_agent_heartbeat()->clear_marks();
  EXPECT_EQ(validate(envelope), std::vector<FieldError>{});
}

TEST(Validation, ToStringJoinsPathAndReason) {
  EXPECT_EQ((FieldError{"decision_made.confidence", "must be within 0..1"}).to_string(),
            "decision_made.confidence: must be within 0..1");
}

// The envelope of a valid event followed by a length-delimited field 99, as a newer schema's
// payload would be encoded.
std::string with_field_99(const Event& envelope) {
  std::string bytes = envelope.SerializeAsString();
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream out(&stream);
  const std::string payload = "\x0a\x05hello";  // field 1, "hello"
  out.WriteTag(google::protobuf::internal::WireFormatLite::MakeTag(
      99, google::protobuf::internal::WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
  out.WriteVarint32(static_cast<std::uint32_t>(payload.size()));
  out.WriteString(payload);
  out.Trim();
  return bytes;
}

TEST(UnknownPayload, DetectedWhenOnlyUnknownFieldsCarryIt) {
  Event envelope = valid_example(Event::kOrderFilled);
  envelope.clear_payload();
  Event decoded;
  ASSERT_TRUE(decoded.ParseFromString(with_field_99(envelope)));
  EXPECT_EQ(decoded.payload_case(), Event::PAYLOAD_NOT_SET);
  EXPECT_EQ(decoded.event_id(), envelope.event_id());
  EXPECT_TRUE(has_unknown_payload(decoded));
  EXPECT_EQ(validate(decoded), (std::vector<FieldError>{{"payload", "no payload set"}}));
  // The unknown field survives re-serialization, so a parked event can be replayed later.
  Event again;
  ASSERT_TRUE(again.ParseFromString(decoded.SerializeAsString()));
  EXPECT_TRUE(has_unknown_payload(again));
}

TEST(UnknownPayload, NotReportedForKnownOrMissingPayloads) {
  EXPECT_FALSE(has_unknown_payload(valid_example(Event::kOrderFilled)));
  Event empty = valid_example(Event::kOrderFilled);
  empty.clear_payload();
  EXPECT_FALSE(has_unknown_payload(empty));
  // A known payload plus an unknown field (a newer envelope field) is still a known payload.
  Event decoded;
  ASSERT_TRUE(decoded.ParseFromString(with_field_99(valid_example(Event::kOrderFilled))));
  EXPECT_EQ(decoded.payload_case(), Event::kOrderFilled);
  EXPECT_FALSE(has_unknown_payload(decoded));
}

}  // namespace
}  // namespace ledger::events
