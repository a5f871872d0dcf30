// Two projectors in one consumer group: while events arrive, projector A runs alone, projector B
// joins midway (a rebalance splits the partitions: both hold some and both commit), then A is
// killed with SIGKILL (a second rebalance gives B everything once A's session expires). The
// tables at the end equal those of an uninterrupted run: the rebalances lost and doubled nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <set>
#include <thread>

#include "guarantees_support.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::guarantees {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPartitions = 4;

// What one projector's log says about its assignments: the partitions of its latest
// assignment, and whether it committed a batch after that assignment.
struct Holding {
  std::set<int> partitions;
  int assignments = 0;           // "assigned" blocks seen (one per rebalance)
  bool committed_since = false;  // a batch committed after the latest assignment
};

Holding holding_of(const std::string& log) {
  static const std::regex kLine(
      R"(assigned partition (\d+) at offset|partition\(s\) revoked|batch committed)");
  Holding holding;
  bool in_block = false;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kLine); it != std::sregex_iterator();
       ++it) {
    const std::string text = (*it)[0].str();
    if ((*it)[1].matched) {
      if (!in_block) {
        holding.partitions.clear();
        ++holding.assignments;
        holding.committed_since = false;
        in_block = true;
      }
      holding.partitions.insert(std::stoi((*it)[1].str()));
    } else if (text.find("revoked") != std::string::npos) {
      holding.partitions.clear();
      in_block = false;
    } else {
      holding.committed_since = true;
      in_block = false;
    }
  }
  return holding;
}

std::string describe(const Holding& holding) {
  std::string text = "{";
  for (const int partition : holding.partitions) text += std::to_string(partition) + " ";
  return text + "} after " + std::to_string(holding.assignments) + " assignment(s)" +
         (holding.committed_since ? ", committed since" : ", no commit since");
}

// Polls until `done` holds (true) or `timeout_ms` passes (false).
template <typename Predicate>
bool wait_for(Predicate done, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

TEST(GroupTest, TwoProjectorsSplitPartitionsAndARebalanceLosesNothing) {
  const std::string bootstrap = ledger::testing::kafka_bootstrap();
  const std::string topic = ledger::testing::create_topic("guarantees.group", kPartitions);
  const std::string uri = ledger::testing::create_database("guarantees_group");
  migrate_schema(uri, "ledger");
  const std::string group = "torture-group";
  const std::string logs = work_dir("group-" + ledger::testing::unique_suffix());
  // Dynamic membership with a short session: A's death is noticed after 6 s.
  const std::vector<std::string> extra = {"-v", "-X", "session.timeout.ms=6000", "-X",
                                          "heartbeat.interval.ms=500"};

  // Six agents' keys over four partitions; ~35k records over ~25 s.
  PacedProducer producer(bootstrap, topic,
                         testing::mixed_log({.seed = 31, .events = 30'000, .agents = 6}), 1'400);
  const std::int64_t total = producer.total();
  const auto start = Clock::now();
  ChildProcess a(project_argv(bootstrap, topic, uri, "ledger", group, 300, extra), logs + "/a.log");
  ASSERT_TRUE(
      wait_for([&] { return holding_of(a.log()).partitions.size() == kPartitions; }, 60'000))
      << "A never held every partition; see " << a.log_path();
  ASSERT_TRUE(wait_committed(uri, "ledger", group, 3'000, 60'000, &a)) << "see " << a.log_path();

  ChildProcess b(project_argv(bootstrap, topic, uri, "ledger", group, 300, extra), logs + "/b.log");
  // Both hold a share and both commit batches of their own share.
  const bool split = wait_for(
      [&] {
        const Holding ha = holding_of(a.log());
        const Holding hb = holding_of(b.log());
        return ha.assignments >= 2 && !ha.partitions.empty() && !hb.partitions.empty() &&
               ha.partitions.size() + hb.partitions.size() == kPartitions && ha.committed_since &&
               hb.committed_since;
      },
      60'000);
  const Holding ha = holding_of(a.log());
  const Holding hb = holding_of(b.log());
  std::printf("%.1f s: A holds %s; B holds %s\n",
              std::chrono::duration<double>(Clock::now() - start).count(), describe(ha).c_str(),
              describe(hb).c_str());
  ASSERT_TRUE(split) << "the group did not split the partitions; see " << logs;
  for (const int partition : ha.partitions) {
    EXPECT_EQ(hb.partitions.count(partition), 0U) << "partition " << partition << " held twice";
  }

  // Let both run a while, then kill A in the middle of its work.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const std::int64_t at_kill = committed_sum(uri, "ledger", group);
  ASSERT_TRUE(a.kill_hard()) << "A exited by itself; see " << a.log_path();
  std::printf("%.1f s: killed A at %lld of %lld committed\n",
              std::chrono::duration<double>(Clock::now() - start).count(),
              static_cast<long long>(at_kill), static_cast<long long>(total));
  EXPECT_LT(at_kill, total) << "A must be killed mid-run";
  EXPECT_TRUE(
      wait_for([&] { return holding_of(b.log()).partitions.size() == kPartitions; }, 60'000))
      << "B never took over A's partitions; see " << b.log_path();

  producer.finish(60'000);
  ASSERT_TRUE(wait_committed(uri, "ledger", group, total, 120'000, &b))
      << "not caught up; see " << b.log_path();
  EXPECT_EQ(b.stop(30'000), 0) << "see " << b.log_path();
  std::printf("%.1f s: all %lld records committed by B\n",
              std::chrono::duration<double>(Clock::now() - start).count(),
              static_cast<long long>(total));

  reference_run(bootstrap, topic, uri, "expected", group + "-reference");
  rename_group(uri, "expected", group + "-reference", group);
  EXPECT_EQ(compare(uri, "expected", "ledger"), "");
  EXPECT_EQ(duplicate_keys(uri, "ledger"), 0);
  EXPECT_EQ(committed_sum(uri, "ledger", group), total);
}

}  // namespace
}  // namespace ledger::guarantees
