#include "publish_test_support.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "examples.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::producer::testing {
namespace {

using ledger::v1::Event;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Event::PayloadCase payload_case_for(std::size_t i) {
  // Weighted like a trading day: heartbeats, decisions and orders dominate.
  static const std::array<Event::PayloadCase, 16> kMix{
      Event::kAgentHeartbeat,     Event::kDecisionMade,    Event::kOrderPlaced,
      Event::kOrderAccepted,      Event::kOrderFilled,     Event::kSignalEmitted,
      Event::kAgentHeartbeat,     Event::kDecisionMade,    Event::kOrderPlaced,
      Event::kOrderFilled,        Event::kOrderCanceled,   Event::kOrderRejected,
      Event::kOrderExpired,       Event::kBalanceAdjusted, Event::kSystemEventReported,
      Event::kAgentStatusChanged,
  };
  return kMix[i % kMix.size()];
}

Event fresh_event(Event::PayloadCase payload_case, const std::string& agent_id) {
  Event event = events::testing::valid_example(payload_case);
  event.set_agent_id(agent_id);
  event.clear_event_id();
  event.clear_session();
  event.clear_sequence();
  event.clear_occurred_at();
  return event;
}

std::vector<DecodedRecord> decode_all(const std::vector<Record>& records) {
  std::vector<DecodedRecord> decoded;
  decoded.reserve(records.size());
  for (const auto& record : records) {
    DecodedRecord item{record, {}};
    if (!item.event.ParseFromString(record.value)) {
      ADD_FAILURE() << "record " << record.partition << "/" << record.offset
                    << " is not a ledger.v1.Event";
      continue;
    }
    decoded.push_back(std::move(item));
  }
  return decoded;
}

std::string header(const Record& record, const std::string& key) {
  for (const auto& [name, value] : record.headers) {
    if (name == key) return value;
  }
  return "<missing>";
}

std::size_t expect_delivered_exactly_once(const std::vector<DeliveryReport>& reports,
                                          const std::vector<DecodedRecord>& log) {
  std::unordered_map<std::string, std::vector<const DecodedRecord*>> by_id;
  for (const auto& item : log) by_id[item.event.event_id()].push_back(&item);
  for (const auto& [id, copies] : by_id) {
    EXPECT_EQ(copies.size(), 1u) << "event " << id << " is in the log " << copies.size()
                                 << " times";
  }
  std::size_t delivered = 0;
  for (const auto& report : reports) {
    const auto it = by_id.find(report.event_id);
    if (report.delivered()) {
      ++delivered;
      if (it == by_id.end()) {
        ADD_FAILURE() << "event " << report.event_id << " reported delivered but not in the log";
        continue;
      }
      EXPECT_EQ(it->second.front()->record.partition, report.partition) << report.event_id;
      EXPECT_EQ(it->second.front()->record.offset, report.offset) << report.event_id;
    } else if (report.persistence == Persistence::not_persisted) {
      EXPECT_TRUE(it == by_id.end()) << "event " << report.event_id << " reported not persisted ("
                                     << report.error << ") but it is in the log";
    }
  }
  return delivered;
}

void expect_agent_order(const std::vector<DecodedRecord>& log) {
  std::map<std::pair<std::int32_t, std::int64_t>, const DecodedRecord*> ordered;
  for (const auto& item : log) ordered[{item.record.partition, item.record.offset}] = &item;
  std::unordered_map<std::string, std::pair<std::int32_t, std::uint64_t>> last;  // partition, seq
  for (const auto& [position, item] : ordered) {
    const auto& event = item->event;
    const std::string stream = event.agent_id() + "/" + event.session();
    auto [it, inserted] = last.try_emplace(stream, position.first, event.sequence());
    if (inserted) continue;
    EXPECT_EQ(it->second.first, position.first) << event.agent_id() << " spans partitions";
    EXPECT_LT(it->second.second, event.sequence())
        << event.agent_id() << ": sequence " << event.sequence() << " at offset " << position.second
        << " after " << it->second.second;
    it->second.second = event.sequence();
  }
}

std::string make_temp_dir(const std::string& prefix) {
  const char* base = std::getenv("LEDGER_TEST_STATE_DIR");
  const std::filesystem::path root = base != nullptr && *base != '\0'
                                         ? std::filesystem::path(base)
                                         : std::filesystem::path("/tmp");
  const auto dir = root / (prefix + "-" + ledger::testing::unique_suffix());
  std::filesystem::create_directories(dir);
  return dir.string();
}

CommandResult run_command(const std::string& command) {
  const std::string dir = make_temp_dir("cmd");
  const std::string out_path = dir + "/stdout";
  const std::string err_path = dir + "/stderr";
  const std::string shell = "( " + command + " ) >" + out_path + " 2>" + err_path;
  const int status = std::system(shell.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace ledger::producer::testing
