// Encoding: binary and JSON round trips of every payload; JSON options; payload names.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "examples.hpp"
#include "ledger/events/event_types.hpp"
#include "ledger/events/json.hpp"

namespace ledger::events {
namespace {

using google::protobuf::util::MessageDifferencer;
using ledger::v1::Event;

class RoundTrip : public ::testing::TestWithParam<Event::PayloadCase> {};

TEST_P(RoundTrip, Binary) {
  const Event event = valid_example(GetParam());
  std::string bytes;
  ASSERT_TRUE(event.SerializeToString(&bytes));
  Event decoded;
  ASSERT_TRUE(decoded.ParseFromString(bytes));
  EXPECT_EQ(decoded.payload_case(), GetParam());
  EXPECT_TRUE(MessageDifferencer::Equals(event, decoded)) << decoded.DebugString();
}

TEST_P(RoundTrip, Json) {
  const Event event = valid_example(GetParam());
  const std::string json = event_to_json(event);
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.find('\n'), std::string::npos) << json;
  EXPECT_NE(json.find("\"event_id\":\"" + event.event_id() + "\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"" + std::string(payload_name(GetParam())) + "\":{"), std::string::npos)
      << json;
  Event decoded;
  std::string error;
  ASSERT_TRUE(event_from_json(json, decoded, error)) << error << "\n" << json;
  EXPECT_TRUE(MessageDifferencer::Equals(event, decoded)) << json;
}

INSTANTIATE_TEST_SUITE_P(EveryPayload, RoundTrip, ::testing::ValuesIn(all_payload_cases()),
                         [](const auto& case_info) {
                           return std::string(payload_name(case_info.param));
                         });

TEST(Json, PrintsProtoNamesEnumsByNameAndRfc3339) {
  const Event event = valid_example(Event::kOrderFilled);
  const std::string json = event_to_json(event);
  EXPECT_NE(json.find("\"agent_id\":\"agent-1\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"occurred_at\":\"2026-01-02T03:04:05.123Z\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"liquidity\":\"TAKER\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"sequence\":\"1\""), std::string::npos) << json;  // uint64 as string
  EXPECT_EQ(json.find("agentId"), std::string::npos) << json;
}

TEST(Json, AcceptsCamelCaseAndEnumNumbers) {
  Event event;
  std::string error;
  ASSERT_TRUE(event_from_json(
      R"({"eventId":"0190f5a0-0000-7000-8000-000000000001","agentId":"a",
          "occurredAt":"2026-01-02T03:04:05Z",
          "orderFilled":{"orderId":"o","fillId":"f","price":"1","quantity":"2","liquidity":1}})",
      event, error))
      << error;
  EXPECT_EQ(event.agent_id(), "a");
  EXPECT_EQ(event.order_filled().liquidity(), ledger::v1::OrderFilled::MAKER);
  EXPECT_EQ(event.occurred_at().seconds(), 1'767'323'045);
}

TEST(Json, RejectsUnknownFieldsAndBadInput) {
  Event event;
  std::string error;
  EXPECT_FALSE(event_from_json(R"({"agent_id":"a","colour":"red"})", event, error));
  EXPECT_NE(error.find("colour"), std::string::npos) << error;
  EXPECT_FALSE(event.has_occurred_at());
  EXPECT_TRUE(event.agent_id().empty()) << "a failed parse leaves an empty event";

  error.clear();
  EXPECT_FALSE(event_from_json("{not json", event, error));
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_FALSE(event_from_json(R"({"occurred_at":"yesterday"})", event, error));
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_FALSE(event_from_json(R"({"order_filled":{"liquidity":"HUGE"}})", event, error));
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_FALSE(event_from_json("", event, error));
  EXPECT_FALSE(error.empty());
}

TEST(Json, ParsingClearsThePreviousContent) {
  Event event = valid_example(Event::kOrderFilled);
  std::string error;
  ASSERT_TRUE(event_from_json(R"({"agent_id":"b"})", event, error)) << error;
  EXPECT_EQ(event.agent_id(), "b");
  EXPECT_EQ(event.payload_case(), Event::PAYLOAD_NOT_SET);
  EXPECT_TRUE(event.event_id().empty());
}

TEST(Json, UnprintableTimestampIsReported) {
  Event event = valid_example(Event::kOrderFilled);
  event.mutable_occurred_at()->set_seconds(253'402'300'800);  // year 10000
  std::string json = "stale";
  std::string error;
  EXPECT_FALSE(event_to_json(event, json, error));
  EXPECT_TRUE(json.empty());
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(event_to_json(event), "");
}

TEST(Json, NewlinesInTextStayEscaped) {
  Event event = valid_example(Event::kDecisionMade);
  event.mutable_decision_made()->set_reasoning("line one\nline two");
  const std::string json = event_to_json(event);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_NE(json.find("line one\\nline two"), std::string::npos);
}

TEST(EventTypes, NamesMatchTheProtoDescriptor) {
  const auto* descriptor = Event::descriptor();
  std::set<std::string> names;
  for (const auto payload_case : all_payload_cases()) {
    const auto* field = descriptor->FindFieldByNumber(static_cast<int>(payload_case));
    ASSERT_NE(field, nullptr);
    EXPECT_EQ(payload_name(payload_case), field->name());
    EXPECT_EQ(payload_type(payload_case), field->message_type()->full_name());
    EXPECT_EQ(payload_case_from_name(field->name()), payload_case);
    EXPECT_EQ(payload_case_from_name(field->message_type()->full_name()), payload_case);
    names.insert(field->name());
  }
  // Every member of the oneof is listed.
  EXPECT_EQ(static_cast<int>(names.size()), descriptor->FindOneofByName("payload")->field_count());
  EXPECT_EQ(payload_name(Event::PAYLOAD_NOT_SET), "unknown");
  EXPECT_EQ(payload_type(Event::PAYLOAD_NOT_SET), "ledger.v1.Unknown");
  EXPECT_EQ(payload_case_from_name("OrderFilled"), std::nullopt);
  EXPECT_EQ(payload_name(Event::kOrderFilled), "order_filled");
  EXPECT_EQ(payload_type(Event::kOrderFilled), "ledger.v1.OrderFilled");
}

}  // namespace
}  // namespace ledger::events
