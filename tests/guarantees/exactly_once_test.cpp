// Exactly once under SIGKILL: `ledger project` is killed with SIGKILL at random moments while a
// ~58k-record mixed run (the demo agents' registrations, signals, decisions, orders, accepts,
// partial and full fills, cancels, expiries, heartbeats, plus duplicate deliveries, fills for
// unknown orders, overfills, out-of-range confidences and undecodable bytes) is being published,
// and restarted each time with another batch size. At the end every table equals, row for row,
// the tables of one uninterrupted `ledger project --exit-at-end` over the same topic.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "guarantees_support.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::guarantees {
namespace {

constexpr int kKills = 9;
constexpr int kPartitions = 3;
constexpr int kRecordsPerS = 2'500;
// Static membership: a restarted process takes its predecessor's place in the group at once
// (as a restarted pod does), instead of waiting for the killed member's session to expire.
const std::vector<std::string> kStatic = {"-X", "group.instance.id=torture-kill", "-X",
                                          "session.timeout.ms=6000"};

TEST(ExactlyOnceTest, SigkillAtRandomMomentsChangesNothing) {
  const std::uint64_t seed = schedule_seed();
  std::printf("schedule seed %llu (rerun with LEDGER_TORTURE_SEED)\n",
              static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  const std::string bootstrap = ledger::testing::kafka_bootstrap();
  const std::string topic = ledger::testing::create_topic("guarantees.kill", kPartitions);
  const std::string uri = ledger::testing::create_database("guarantees_kill");
  migrate_schema(uri, "ledger");
  // A group of its own: two runs of this test at once (another build dir) share the broker.
  const std::string group = "torture-kill-" + ledger::testing::unique_suffix();
  const std::string logs = work_dir("kill-" + ledger::testing::unique_suffix());

  PacedProducer producer(bootstrap, topic,
                         testing::mixed_log({.seed = 11, .events = 50'000, .agents = 6}),
                         kRecordsPerS);
  const std::int64_t total = producer.total();
  std::printf("publishing %lld records over ~%lld s\n", static_cast<long long>(total),
              static_cast<long long>(total / kRecordsPerS));

  const auto run_start = std::chrono::steady_clock::now();
  std::uniform_int_distribution<int> alive_ms(400, 2'600);
  const int batch_sizes[] = {50, 500, 5'000};
  int kills_mid_run = 0;
  std::int64_t last_committed = 0;
  for (int kill = 0; kill < kKills; ++kill) {
    const int batch = batch_sizes[kill % 3];
    ChildProcess projector(project_argv(bootstrap, topic, uri, "ledger", group, batch, kStatic),
                           logs + "/projector-" + std::to_string(kill) + ".log");
    std::this_thread::sleep_for(std::chrono::milliseconds(alive_ms(random)));
    ASSERT_TRUE(projector.kill_hard())
        << "the projector exited by itself; see " << projector.log_path();
    const std::int64_t committed = committed_sum(uri, "ledger", group);
    std::printf("kill %d (batch %d) at %.1f s: %lld of %lld committed, %lld produced\n", kill + 1,
                batch,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count(),
                static_cast<long long>(committed), static_cast<long long>(total),
                static_cast<long long>(producer.produced()));
    std::fflush(stdout);
    EXPECT_GE(committed, last_committed) << "stored offsets went backwards";
    if (committed < total) ++kills_mid_run;
    last_committed = committed;
  }
  producer.finish(60'000);
  ChildProcess last(project_argv(bootstrap, topic, uri, "ledger", group, 1'000, kStatic),
                    logs + "/projector-last.log");
  ASSERT_TRUE(wait_committed(uri, "ledger", group, total, 120'000, &last))
      << "not caught up; see " << last.log_path();
  EXPECT_EQ(last.stop(30'000), 0) << "see " << last.log_path();
  EXPECT_EQ(kills_mid_run, kKills) << "every kill must land while the run is in progress";
  EXPECT_GT(last_committed, 0) << "the restarted projectors made no progress between kills";
  EXPECT_EQ(committed_sum(uri, "ledger", group), total);

  reference_run(bootstrap, topic, uri, "expected", group + "-reference");
  rename_group(uri, "expected", group + "-reference", group);
  EXPECT_EQ(compare(uri, "expected", "ledger"), "");
  EXPECT_EQ(duplicate_keys(uri, "ledger"), 0);
  EXPECT_EQ(row_count(uri, "ledger", "event_archive"), row_count(uri, "expected", "event_archive"));
  EXPECT_GT(row_count(uri, "ledger", "fills"), 0);
  EXPECT_GT(row_count(uri, "ledger", "rejects"), 0);
}

}  // namespace
}  // namespace ledger::guarantees
