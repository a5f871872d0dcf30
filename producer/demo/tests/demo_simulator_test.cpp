// The demo simulator: deterministic, valid, and covering every kind of event a ledger keeps.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/events/event_types.hpp"
#include "ledger/events/uuid.hpp"
#include "ledger/events/validation.hpp"
#include "ledger/producer/demo/simulator.hpp"

namespace {

using ledger::producer::demo::Simulator;
using ledger::producer::demo::SimulatorOptions;
using ledger::v1::DecisionMade;
using ledger::v1::Event;

std::vector<Event> generate(const SimulatorOptions& options, int count) {
  Simulator simulator(options);
  std::vector<Event> events;
  for (int i = 0; i < count; ++i) events.push_back(simulator.next());
  return events;
}

// Deterministic serialization (map entries sorted), so equal messages give equal bytes.
std::string serialized(const std::vector<Event>& events) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    for (const auto& event : events) event.SerializeToCodedStream(&coded);
  }
  return bytes;
}

TEST(DemoSimulator, SameOptionsGiveTheSameStream) {
  SimulatorOptions options;
  options.seed = 42;
  options.run_id = "run-a";
  EXPECT_EQ(serialized(generate(options, 2000)), serialized(generate(options, 2000)));
}

TEST(DemoSimulator, AnotherSeedGivesAnotherStream) {
  SimulatorOptions a;
  a.seed = 1;
  SimulatorOptions b = a;
  b.seed = 2;
  EXPECT_NE(serialized(generate(a, 300)), serialized(generate(b, 300)));
}

TEST(DemoSimulator, RunIdChangesIdsButNotTheMarket) {
  SimulatorOptions a;
  a.seed = 9;
  a.run_id = "first";
  SimulatorOptions b = a;
  b.run_id = "second";
  const auto first = generate(a, 500);
  const auto second = generate(b, 500);
  std::set<std::string> first_ids;
  for (const auto& e : first) first_ids.insert(e.event_id());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first_ids.count(second[i].event_id()), 0U) << "event_id reused across runs";
    EXPECT_EQ(first[i].payload_case(), second[i].payload_case()) << "at " << i;
    if (first[i].has_agent_heartbeat()) {
      EXPECT_EQ(first[i].agent_heartbeat().marks().at("BTC/USD"),
                second[i].agent_heartbeat().marks().at("BTC/USD"));
    }
  }
}

TEST(DemoSimulator, EveryEventIsValidAndUnique) {
  SimulatorOptions options;
  options.seed = 7;
  options.agents = 6;
  std::set<std::string> ids;
  for (const auto& event : generate(options, 5000)) {
    const auto errors = ledger::events::validate(event);
    std::string text;
    for (const auto& e : errors) text += e.to_string() + "; ";
    EXPECT_TRUE(errors.empty()) << ledger::events::payload_name(event.payload_case()) << ": "
                                << text;
    EXPECT_TRUE(ledger::events::is_uuid(event.event_id()));
    EXPECT_TRUE(ids.insert(event.event_id()).second) << "duplicate event_id";
  }
}

TEST(DemoSimulator, TheMixContainsEveryKind) {
  SimulatorOptions options;
  options.seed = 3;
  std::map<Event::PayloadCase, int> counts;
  std::map<DecisionMade::Action, int> actions;
  int partial_orders = 0;
  std::map<std::string, int> fills_per_order;
  for (const auto& event : generate(options, 4000)) {
    ++counts[event.payload_case()];
    if (event.has_decision_made()) ++actions[event.decision_made().action()];
    if (event.has_order_filled()) ++fills_per_order[event.order_filled().order_id()];
  }
  for (const auto& [order, fills] : fills_per_order) partial_orders += fills > 1 ? 1 : 0;
  for (const auto kind :
       {Event::kAgentRegistered, Event::kAgentStatusChanged, Event::kDecisionMade,
        Event::kSignalEmitted, Event::kOrderPlaced, Event::kOrderAccepted, Event::kOrderCanceled,
        Event::kOrderRejected, Event::kOrderExpired, Event::kOrderFilled, Event::kAgentHeartbeat,
        Event::kSystemEventReported}) {
    EXPECT_GT(counts[kind], 0) << ledger::events::payload_name(kind);
  }
  for (const auto action : {DecisionMade::OPEN_LONG, DecisionMade::OPEN_SHORT,
                            DecisionMade::CLOSE_POSITION, DecisionMade::HOLD}) {
    EXPECT_GT(actions[action], 0) << DecisionMade::Action_Name(action);
  }
  EXPECT_GT(partial_orders, 0);
}

TEST(DemoSimulator, LineageLinksOrdersToTheirDecision) {
  SimulatorOptions options;
  options.seed = 5;
  std::map<std::string, std::string> decision_event_of;  // decision_id -> event_id
  std::set<std::string> seen_events;
  int checked = 0;
  for (const auto& event : generate(options, 3000)) {
    if (!event.causation_id().empty()) {
      EXPECT_EQ(seen_events.count(event.causation_id()), 1U) << "cause not seen before";
    }
    seen_events.insert(event.event_id());
    if (event.has_decision_made()) {
      EXPECT_EQ(event.correlation_id(), event.decision_made().decision_id());
      decision_event_of[event.decision_made().decision_id()] = event.event_id();
    }
    if (event.has_order_placed()) {
      const auto& decision_id = event.order_placed().decision_id();
      EXPECT_EQ(event.correlation_id(), decision_id);
      EXPECT_EQ(event.causation_id(), decision_event_of.at(decision_id));
      ++checked;
    }
    if (event.has_order_filled() || event.has_order_accepted()) {
      EXPECT_FALSE(event.correlation_id().empty());
    }
  }
  EXPECT_GT(checked, 10);
}

TEST(DemoSimulator, SequencesCountUpPerAgentAndTimesAdvance) {
  SimulatorOptions options;
  options.seed = 11;
  std::map<std::string, std::uint64_t> last;
  std::int64_t last_seconds = 0;
  for (const auto& event : generate(options, 1000)) {
    EXPECT_EQ(event.sequence(), last[event.agent_id()] + 1);
    last[event.agent_id()] = event.sequence();
    EXPECT_GE(event.occurred_at().seconds(), last_seconds);
    last_seconds = event.occurred_at().seconds();
  }
  EXPECT_EQ(last.size(), 3U);
}

TEST(DemoSimulator, RejectsBadOptions) {
  SimulatorOptions options;
  options.agents = 0;
  EXPECT_THROW(Simulator{options}, std::invalid_argument);
  options.agents = ledger::producer::demo::kAgentsMax + 1;
  EXPECT_THROW(Simulator{options}, std::invalid_argument);
}

}  // namespace
