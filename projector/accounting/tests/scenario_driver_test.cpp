// Runs every accounting scenario in tests/scenarios/*.jsonl: events in, expected rows out.
//
// A scenario is JSON Lines; blank lines and lines starting with '#' are comments. Each line
// is one object with an "op". Times "t" are whole seconds since the epoch (event time).
//   {"op":"agent","agent":"a","initial_balance":"1000","offline_after_s":60}
//   {"op":"fill","agent":"a","symbol":"BTC","side":"buy","price":"100","qty":"1","fee":"0.1",
//    "t":1,"order":"o1","decision":"d1","strategy":"s1","leverage":2[,"expect_error":"..."]}
//   {"op":"mark","agent":"a","symbol":"BTC","price":"110","t":2}
//   {"op":"balance","agent":"a","amount":"500","reason":"deposit","t":3}
//   {"op":"heartbeat","agent":"a","t":4,"marks":{"BTC":"110"}}  marks, snapshot, offline check
//   {"op":"decision","agent":"a","action":"hold"}   no fill: accounting is not called
//   {"op":"checkpoint","agent":"a"} / {"op":"expect_unchanged","agent":"a"}
//   {"op":"expect_position","agent":"a","symbol":"BTC", <fields>}   ("exists":false allowed)
//   {"op":"expect_round_trip","agent":"a","index":0, <fields>}
//   {"op":"expect_round_trips","agent":"a","count":2}
//   {"op":"expect_events","agent":"a","types":["position_opened"]}  from the agent's last op
//   {"op":"expect_snapshot","agent":"a", <fields>}                   the agent's last snapshot
//   {"op":"expect_summary","agent":"a", <fields>}  (or "strategy":"s1" for a strategy's)
// Expected decimals are compared exactly; numbers (ratios) to 1e-9; null means "undefined".
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/projector/accounting/offline_detector.hpp"
#include "ledger/projector/accounting/performance.hpp"
#include "ledger/projector/accounting/position_book.hpp"
#include "scenario_json.hpp"

namespace ledger::projector::accounting {
namespace {

// Scenario files span a few days: their expected statistics come from the smallest history
// allowed (the production minimum, 30 daily returns, is tested in performance_test.cpp).
constexpr StatisticsPolicy kShortHistory{.min_daily_returns = 2};

using nlohmann::json;

struct AgentState {
  PositionBook book{""};
  std::optional<PositionBook> checkpoint;
  std::vector<RoundTrip> round_trips;
  std::vector<DerivedEvent> last_events;
  std::optional<EquitySnapshot> last_snapshot;
  PerformanceTracker performance;
  std::optional<OfflineDetector> offline;
};

class ScenarioRunner {
 public:
  void run(const json& line);

 private:
  AgentState& agent(const json& line);
  void fill(const json& line);
  void heartbeat(const json& line);
  void expect_summary(const json& line);

  std::map<std::string, AgentState> agents_;
  std::map<std::string, PerformanceTracker> strategies_;
};

AgentState& ScenarioRunner::agent(const json& line) {
  const std::string id = line.at("agent").get<std::string>();
  auto it = agents_.find(id);
  if (it == agents_.end()) {
    it = agents_.emplace(id, AgentState{}).first;
    it->second.book = PositionBook(id);
  }
  return it->second;
}

void ScenarioRunner::fill(const json& line) {
  AgentState& state = agent(line);
  const Result<ApplyResult> result = state.book.apply_fill(fill_from_json(line));
  if (line.contains("expect_error")) {
    ASSERT_FALSE(result.ok()) << "expected an error";
    EXPECT_EQ(to_string(result.error().code), line.at("expect_error").get<std::string>());
    state.last_events.clear();
    return;
  }
  ASSERT_TRUE(result.ok()) << result.error().message;
  state.last_events = result->events;
  if (result->round_trip) {
    state.round_trips.push_back(*result->round_trip);
    state.performance.add_round_trip(*result->round_trip);
    strategies_[result->round_trip->strategy_id].add_round_trip(*result->round_trip);
  }
}

void ScenarioRunner::heartbeat(const json& line) {
  AgentState& state = agent(line);
  const TimeUs at_us = time_us(line);
  state.last_events.clear();
  if (line.contains("marks")) {
    for (const auto& [symbol, price] : line.at("marks").items()) {
      auto marked = state.book.apply_mark(symbol, decimal(price), at_us);
      ASSERT_TRUE(marked.ok()) << marked.error().message;
    }
  }
  if (state.offline) {
    if (auto event = state.offline->observe_heartbeat(at_us)) state.last_events.push_back(*event);
  }
  auto snapshot = state.book.snapshot(at_us);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  state.last_snapshot = *snapshot;
  state.performance.add_snapshot(*snapshot);
}

void ScenarioRunner::expect_summary(const json& line) {
  const PerformanceTracker& tracker = line.contains("strategy")
                                          ? strategies_[line.at("strategy").get<std::string>()]
                                          : agent(line).performance;
  auto summary = tracker.summary(kShortHistory);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  expect_fields(line, summary_to_json(*summary));
}

void ScenarioRunner::run(const json& line) {
  const std::string op = line.at("op").get<std::string>();
  if (op == "agent") {
    AgentState& state = agent(line);
    state.book.set_initial_balance(decimal(line.value("initial_balance", json("0"))));
    if (line.contains("offline_after_s")) {
      state.offline.emplace(line.at("agent").get<std::string>(),
                            line.at("offline_after_s").get<TimeUs>() * kMicrosPerSecond);
    }
  } else if (op == "fill") {
    fill(line);
  } else if (op == "mark") {
    auto marked = agent(line).book.apply_mark(line.at("symbol").get<std::string>(),
                                              decimal(line.at("price")), time_us(line));
    ASSERT_TRUE(marked.ok()) << marked.error().message;
  } else if (op == "balance") {
    auto adjusted = agent(line).book.apply_balance_adjustment(
        decimal(line.at("amount")), adjustment_reason(line.at("reason")), time_us(line));
    if (line.contains("expect_error")) {
      ASSERT_FALSE(adjusted.ok());
    } else {
      ASSERT_TRUE(adjusted.ok()) << adjusted.error().message;
    }
  } else if (op == "heartbeat") {
    heartbeat(line);
  } else if (op == "decision") {
    agent(line).last_events.clear();  // a decision without a fill does not reach accounting
  } else if (op == "checkpoint") {
    agent(line).checkpoint = agent(line).book;
  } else if (op == "expect_unchanged") {
    ASSERT_TRUE(agent(line).checkpoint.has_value()) << "no checkpoint";
    EXPECT_TRUE(*agent(line).checkpoint == agent(line).book) << "the book changed";
  } else if (op == "expect_position") {
    const Position* position = agent(line).book.find(line.at("symbol").get<std::string>());
    if (line.value("exists", true)) {
      ASSERT_NE(position, nullptr) << "no position";
      expect_fields(line, position_to_json(*position));
    } else {
      EXPECT_EQ(position, nullptr) << "unexpected position";
    }
  } else if (op == "expect_round_trips") {
    EXPECT_EQ(agent(line).round_trips.size(), line.at("count").get<std::size_t>());
  } else if (op == "expect_round_trip") {
    const auto& trips = agent(line).round_trips;
    const auto index = line.at("index").get<std::size_t>();
    ASSERT_LT(index, trips.size()) << "no round trip " << index;
    expect_fields(line, round_trip_to_json(trips[index]));
  } else if (op == "expect_events") {
    json types = json::array();
    for (const auto& event : agent(line).last_events) types.push_back(event.type);
    EXPECT_EQ(types, line.at("types"));
    if (line.contains("details")) {
      ASSERT_FALSE(agent(line).last_events.empty());
      expect_fields(line.at("details"), agent(line).last_events.back().details);
    }
  } else if (op == "expect_snapshot") {
    ASSERT_TRUE(agent(line).last_snapshot.has_value()) << "no snapshot yet";
    expect_fields(line, snapshot_to_json(*agent(line).last_snapshot));
  } else if (op == "expect_summary") {
    expect_summary(line);
  } else {
    FAIL() << "unknown op \"" << op << "\"";
  }
}

std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(LEDGER_ACCOUNTING_SCENARIOS)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Scenario : public testing::TestWithParam<std::string> {};

TEST_P(Scenario, MatchesExpectedRows) {
  std::ifstream in(GetParam());
  ASSERT_TRUE(in) << "cannot open " << GetParam();
  ScenarioRunner runner;
  std::string text;
  int line_number = 0;
  while (std::getline(in, text)) {
    ++line_number;
    if (text.empty() || text[0] == '#') continue;
    SCOPED_TRACE(GetParam() + ":" + std::to_string(line_number) + ": " + text);
    runner.run(json::parse(text));
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Files, Scenario, testing::ValuesIn(scenario_files()),
                         [](const testing::TestParamInfo<std::string>& param) {
                           std::string name = std::filesystem::path(param.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace ledger::projector::accounting
