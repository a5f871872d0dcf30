// `ledger up` end to end against the test run's real Kafka broker and PostgreSQL (configured
// with -b and --db, so `ledger up` starts nothing of its own): the demo's agents, decisions,
// orders and fills land in the tables; /healthz and /metrics answer over HTTP and the
// exposition passes promtool; a restart continues without duplicates; lag falls to zero once
// the publishers stop; a SIGKILLed `ledger up` does not block the next start.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ledger/local/process/process.hpp"
#include "ledger/testing/services.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A `ledger up` (or other `ledger`) child: killed and reaped if a test fails before it ends.
struct Child {
  ledger::local::process::Child process;
  std::string log_path;
  pid_t pid() const { return process.pid(); }
};

Child spawn(const std::vector<std::string>& args, const std::string& log_path) {
  ledger::local::process::SpawnOptions options;
  options.argv = args;
  options.log_path = log_path;
  options.truncate_log = true;
  return Child{ledger::local::process::Child(options), log_path};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Exit status, or -1 when it did not exit within `timeout` (then it is killed).
int wait_exit(Child& child, std::chrono::seconds timeout) {
  const auto status =
      child.process.wait(static_cast<int>(std::chrono::milliseconds(timeout).count()));
  if (status) return *status;
  child.process.kill();
  return -1;
}

// The metrics port printed by `ledger up`, waiting up to `timeout`; 0 when it never came.
int wait_metrics_port(Child& child, std::chrono::seconds timeout) {
  const std::regex pattern(R"(metrics http://127\.0\.0\.1:(\d+)/metrics)");
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::smatch match;
    const std::string log = read_file(child.log_path);
    if (std::regex_search(log, match, pattern)) return std::stoi(match[1].str());
    if (!child.process.running()) return 0;
    std::this_thread::sleep_for(200ms);
  }
  return 0;
}

std::int64_t count(pqxx::connection& db, const std::string& sql) {
  pqxx::read_transaction tx(db);
  return tx.exec1(sql)[0].as<std::int64_t>();
}

// Sum of ledger_consumer_lag_events over partitions; -1 when there is no such series.
long lag_of(const std::string& exposition) {
  std::istringstream lines(exposition);
  long total = -1;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("ledger_consumer_lag_events{", 0) != 0) continue;
    total = std::max(total, 0L) + std::stol(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

class LedgerUp : public ::testing::Test {
 protected:
  void SetUp() override {
    topic_ = ledger::testing::create_topic("up", 3);
    group_ = "up-" + ledger::testing::unique_suffix();  // a killed member stalls only its group
    db_uri_ = ledger::testing::create_database("up");
    dir_ = fs::path(testing::TempDir()) / ("ledger-up-" + ledger::testing::unique_suffix());
    fs::create_directories(dir_);
  }

  std::vector<std::string> up_args(bool demo) const {
    std::vector<std::string> args{ledger::testing::ledger_bin(),
                                  "up",
                                  "-b",
                                  ledger::testing::kafka_bootstrap(),
                                  "-t",
                                  topic_,
                                  "--db",
                                  db_uri_,
                                  "--state-dir",
                                  (dir_ / "state").string(),
                                  "--metrics-port",
                                  "0",
                                  "--summary-interval-ms",
                                  "500",
                                  "--group",
                                  group_};
    if (demo) {
      for (const char* a : {"--demo", "--seed", "7", "--agents", "3", "--rate", "80"}) {
        args.emplace_back(a);
      }
    }
    return args;
  }

  Child start_up(bool demo, const std::string& name) {
    Child child = spawn(up_args(demo), (dir_ / (name + ".log")).string());
    port_ = wait_metrics_port(child, 120s);
    EXPECT_GT(port_, 0) << read_file(child.log_path);
    return child;
  }

  void stop_up(Child& child) {
    child.process.signal(SIGINT);
    EXPECT_EQ(wait_exit(child, 90s), 0) << read_file(child.log_path);
  }

  std::string topic_;
  std::string group_;
  std::string db_uri_;
  fs::path dir_;
  int port_ = 0;
};

TEST_F(LedgerUp, DemoRunsStopsCleanlyAndContinuesWithoutDuplicates) {
  Child first = start_up(true, "first");
  ASSERT_GT(port_, 0);
  httplib::Client http("127.0.0.1", port_);
  http.set_read_timeout(5);
  std::this_thread::sleep_for(6s);
  const auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("ledger_events_projected_total{type=\"decision_made\"}"),
            std::string::npos)
      << metrics->body;
  EXPECT_GE(lag_of(metrics->body), 0) << metrics->body;
  const std::string exposition_path = (dir_ / "metrics.txt").string();
  std::ofstream(exposition_path) << metrics->body;
  EXPECT_EQ(std::system(("promtool check metrics < " + exposition_path).c_str()), 0);
  ASSERT_TRUE(http.Get("/healthz"));
  stop_up(first);

  pqxx::connection db(db_uri_);
  EXPECT_EQ(count(db, "SELECT count(*) FROM ledger.agents"), 3);
  const auto decisions = count(db, "SELECT count(*) FROM ledger.decisions");
  const auto orders = count(db, "SELECT count(*) FROM ledger.orders");
  const auto fills = count(db, "SELECT count(*) FROM ledger.fills");
  const auto archived = count(db, "SELECT count(*) FROM ledger.event_archive");
  EXPECT_GT(decisions, 0);
  EXPECT_GT(orders, 0);
  EXPECT_GT(fills, 0);
  EXPECT_GT(count(db, "SELECT count(*) FROM ledger.decisions WHERE action = 'HOLD'"), 0);

  Child second = start_up(true, "second");
  std::this_thread::sleep_for(5s);
  stop_up(second);
  EXPECT_EQ(count(db, "SELECT count(*) FROM ledger.agents"), 3);
  EXPECT_GT(count(db, "SELECT count(*) FROM ledger.event_archive"), archived);
  EXPECT_GT(count(db, "SELECT count(*) FROM ledger.decisions"), decisions);
  EXPECT_EQ(count(db, "SELECT count(*) - count(DISTINCT event_id) FROM ledger.event_archive"), 0);
  EXPECT_EQ(count(db,
                  "SELECT count(*) - count(DISTINCT (kafka_partition, kafka_offset))"
                  " FROM ledger.event_archive"),
            0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM ledger.fills") -
                count(db, "SELECT count(DISTINCT (agent_id, order_id, fill_id)) FROM ledger.fills"),
            0);
  EXPECT_LE(fills, count(db, "SELECT count(*) FROM ledger.fills"));

  // The report over these tables.
  const std::string report = (dir_ / "report.html").string();
  EXPECT_EQ(
      std::system(
          (ledger::testing::ledger_bin() + " report --db '" + db_uri_ + "' -o " + report).c_str()),
      0);
  const std::string html = read_file(report);
  EXPECT_NE(html.find("demo-atlas"), std::string::npos);
  EXPECT_NE(html.find("Equity (USD)"), std::string::npos);
}

TEST_F(LedgerUp, LagFallsToZeroAndHealthTurnsReadyWhenPublishersStop) {
  Child up = start_up(false, "projector");
  ASSERT_GT(port_, 0);
  Child demo =
      spawn({ledger::testing::ledger_bin(), "demo", "-b", ledger::testing::kafka_bootstrap(), "-t",
             topic_, "--events", "400", "--rate", "400", "--seed", "3"},
            (dir_ / "demo.log").string());
  EXPECT_EQ(wait_exit(demo, 120s), 0) << read_file(demo.log_path);
  httplib::Client http("127.0.0.1", port_);
  http.set_read_timeout(5);
  long lag = -1;
  int health_status = 0;
  std::string body;
  const auto deadline = Clock::now() + 60s;
  while (Clock::now() < deadline && !(lag == 0 && health_status == 200)) {
    std::this_thread::sleep_for(500ms);
    const auto metrics = http.Get("/metrics");
    const auto health = http.Get("/healthz");
    if (!metrics || !health) continue;
    body = metrics->body;
    lag = lag_of(metrics->body);
    health_status = health->status;
  }
  EXPECT_EQ(lag, 0) << body;
  EXPECT_EQ(health_status, 200);
  EXPECT_NE(body.find("ledger_committed_offset{partition="), std::string::npos);
  EXPECT_NE(body.find("ledger_replay_progress_ratio 1"), std::string::npos) << body;
  stop_up(up);
  pqxx::connection db(db_uri_);
  EXPECT_EQ(count(db, "SELECT count(*) FROM ledger.event_archive"), 400);
}

TEST_F(LedgerUp, SigkillLeavesNothingThatStopsTheNextStart) {
  Child killed = start_up(true, "killed");
  ASSERT_GT(port_, 0);
  std::this_thread::sleep_for(2s);
  killed.process.kill();
  EXPECT_TRUE(fs::exists(dir_ / "state" / "up" / "up.pid"));
  Child next = start_up(true, "after-kill");
  ASSERT_GT(port_, 0) << read_file(next.log_path);
  std::this_thread::sleep_for(3s);
  stop_up(next);
  EXPECT_FALSE(fs::exists(dir_ / "state" / "up" / "up.pid"));
  pqxx::connection db(db_uri_);
  EXPECT_EQ(count(db, "SELECT count(*) - count(DISTINCT event_id) FROM ledger.event_archive"), 0);
}

TEST_F(LedgerUp, ASecondLiveUpOnTheSameStateDirIsRefused) {
  Child first = start_up(false, "owner");
  ASSERT_GT(port_, 0);
  Child second = spawn(up_args(false), (dir_ / "refused.log").string());
  EXPECT_EQ(wait_exit(second, 60s), 1);
  EXPECT_NE(read_file(second.log_path).find("another `ledger up`"), std::string::npos)
      << read_file(second.log_path);
  stop_up(first);
}

}  // namespace
