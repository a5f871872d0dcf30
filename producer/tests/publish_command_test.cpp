// `ledger publish` and `ledger tail` as a user runs them, against the real broker (fixture
// "kafka"): a JSON Lines file mixing valid and invalid lines, read back with `ledger tail`.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/events/json.hpp"
#include "ledger/testing/services.hpp"
#include "publish_test_support.hpp"

namespace ledger::producer {
namespace {

using ledger::v1::Event;
using testing::run_command;

std::string ledger_cmd(const std::string& subcommand, const std::string& topic) {
  return ledger::testing::ledger_bin() + " " + subcommand + " -b " +
         ledger::testing::kafka_bootstrap() + " -t " + topic;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = testing::make_temp_dir("publish") + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string event_line(Event::PayloadCase payload_case, const std::string& agent) {
  return events::event_to_json(testing::fresh_event(payload_case, agent)) + "\n";
}

TEST(PublishCommand, ValidLinesArriveInvalidOnesAreReportedWithLineNumbers) {
  const std::string topic = ledger::testing::create_topic("publish-cmd", 3);
  Event bad = testing::fresh_event(Event::kOrderFilled, "agent-2");
  bad.mutable_order_filled()->set_quantity("0");
  bad.mutable_order_filled()->set_price("abc");
  std::string input;
  input += event_line(Event::kAgentRegistered, "agent-1");         // 1
  input += event_line(Event::kDecisionMade, "agent-1");            // 2
  input += "{\"agent_id\": \"agent-1\", \"order_placed\": \n";     // 3: broken JSON
  input += event_line(Event::kOrderPlaced, "agent-2");             // 4
  input += "\n";                                                   // 5: blank, skipped
  input += events::event_to_json(bad) + "\n";                      // 6: two problems
  input += "{\"agent_id\": \"agent-3\", \"no_such_field\": 1}\n";  // 7: unknown field
  input += event_line(Event::kAgentHeartbeat, "agent-3");          // 8
  const std::string path = write_file("mixed.jsonl", input);

  const auto published = run_command(ledger_cmd("publish", topic) + " " + path);
  EXPECT_EQ(published.exit_code, 1) << published.err;
  EXPECT_NE(published.err.find("line 3: invalid JSON"), std::string::npos) << published.err;
  EXPECT_NE(published.err.find("line 6: invalid event: order_filled.quantity"), std::string::npos)
      << published.err;
  EXPECT_NE(published.err.find("line 6: invalid event: order_filled.price"), std::string::npos)
      << published.err;
  EXPECT_NE(published.err.find("line 7: invalid JSON"), std::string::npos) << published.err;
  EXPECT_EQ(published.err.find("line 5:"), std::string::npos) << published.err;
  EXPECT_NE(published.err.find("8 lines read, 4 published, 3 rejected, 0 failed delivery"),
            std::string::npos)
      << published.err;

  const auto tailed = run_command(ledger_cmd("tail", topic));
  EXPECT_EQ(tailed.exit_code, 0) << tailed.err;
  const auto lines = json_lines(tailed.out);
  ASSERT_EQ(lines.size(), 4u) << tailed.out;
  std::multiset<std::string> payloads;
  for (const auto& line : lines) {
    EXPECT_TRUE(line.contains("partition") && line.contains("offset") &&
                line.contains("timestamp"));
    ASSERT_TRUE(line.contains("event")) << line.dump();
    EXPECT_EQ(line["key"], line["event"]["agent_id"]);
    EXPECT_TRUE(line["event"].contains("event_id") && line["event"].contains("session"));
    for (const auto& [key, value] : line["event"].items()) {
      if (value.is_object() && key != "occurred_at") payloads.insert(key);
    }
  }
  EXPECT_EQ(payloads, (std::multiset<std::string>{"agent_registered", "decision_made",
                                                  "order_placed", "agent_heartbeat"}));
}

TEST(PublishCommand, AllValidFromStdinExitsZero) {
  const std::string topic = ledger::testing::create_topic("publish-stdin", 1);
  std::string input;
  for (int i = 0; i < 1500; ++i)
    input += event_line(testing::payload_case_for(static_cast<std::size_t>(i)), "agent-9");
  const std::string path = write_file("valid.jsonl", input);
  const auto published = run_command(ledger_cmd("publish", topic) + " - < " + path);
  EXPECT_EQ(published.exit_code, 0) << published.err;
  EXPECT_NE(published.err.find("1500 lines read, 1500 published, 0 rejected"), std::string::npos)
      << published.err;
  // Sequences 1..1500 in offset order, one partition.
  const auto lines = json_lines(run_command(ledger_cmd("tail", topic)).out);
  ASSERT_EQ(lines.size(), 1500u);  // several parse batches, still in order
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["offset"], static_cast<std::int64_t>(i));
    EXPECT_EQ(lines[i]["event"]["sequence"], std::to_string(i + 1));  // uint64 is a JSON string
  }
  // -n stops early; -p picks a partition; --from-end without --follow prints nothing.
  EXPECT_EQ(json_lines(run_command(ledger_cmd("tail", topic) + " -n 7").out).size(), 7u);
  EXPECT_EQ(json_lines(run_command(ledger_cmd("tail", topic) + " -p 0").out).size(), 1500u);
  EXPECT_EQ(json_lines(run_command(ledger_cmd("tail", topic) + " --from-end").out).size(), 0u);
}

TEST(PublishCommand, UsageAndConfigErrorsExitTwo) {
  const std::string topic = ledger::testing::create_topic("publish-usage", 1);
  const auto missing = run_command(ledger_cmd("publish", topic) + " /nonexistent/events.jsonl");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot open /nonexistent/events.jsonl"), std::string::npos);
  const auto refused =
      run_command(ledger_cmd("publish", topic) + " -X enable.idempotence=false - </dev/null");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("enable.idempotence"), std::string::npos) << refused.err;
  const auto no_partition = run_command(ledger_cmd("tail", topic) + " -p 5");
  EXPECT_EQ(no_partition.exit_code, 2);
  EXPECT_NE(no_partition.err.find("no partition 5"), std::string::npos) << no_partition.err;
}

TEST(TailCommand, UndecodableRecordIsAnErrorLineAndReadingGoesOn) {
  const std::string topic = ledger::testing::create_topic("tail-garbage", 1);
  std::string errstr;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  ASSERT_EQ(conf->set("bootstrap.servers", ledger::testing::kafka_bootstrap(), errstr),
            RdKafka::Conf::CONF_OK);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), errstr));
  ASSERT_TRUE(producer) << errstr;
  const std::string garbage = "\xff\xff\xff not a protobuf";
  const std::string good = testing::fresh_event(Event::kOrderAccepted, "agent-x")
                               .SerializeAsString();  // no envelope: still decodes
  for (const std::string* value : {&garbage, &good}) {
    ASSERT_EQ(
        producer->produce(topic, 0, RdKafka::Producer::RK_MSG_COPY,
                          const_cast<char*>(value->data()), value->size(), nullptr, 0, 0, nullptr),
        RdKafka::ERR_NO_ERROR);
  }
  ASSERT_EQ(producer->flush(10'000), RdKafka::ERR_NO_ERROR);
  const auto tailed = run_command(ledger_cmd("tail", topic));
  EXPECT_EQ(tailed.exit_code, 1) << tailed.err;
  const auto lines = json_lines(tailed.out);
  ASSERT_EQ(lines.size(), 2u) << tailed.out;
  EXPECT_EQ(lines[0]["offset"], 0);
  EXPECT_EQ(lines[0]["partition"], 0);
  EXPECT_TRUE(lines[0].contains("error")) << lines[0].dump();
  EXPECT_EQ(lines[1]["offset"], 1);
  EXPECT_EQ(lines[1]["event"]["agent_id"], "agent-x");
}

}  // namespace
}  // namespace ledger::producer
