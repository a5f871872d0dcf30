// The books extension through the real pipeline: batch splitting (one event per batch vs one
// batch) gives identical tables; the offline threshold comes from the options. The scenario's
// every column is asserted in hand_computed_books_test.cpp.
#include <gtest/gtest.h>

#include "books_scenario.hpp"

namespace ledger::projector::testing {
namespace {

TEST(BooksTest, OneEventPerBatchGivesTheSameTablesAsOneBatch) {
  Harness split;
  Harness whole;
  Scenario scenario(split);
  const std::vector<Event> events = scenario.events();
  split.publish_many(events);
  whole.publish_many(events);
  const ProjectorStats split_stats = project_with_books(split, 1);
  const ProjectorStats whole_stats = project_with_books(whole, 10'000);
  EXPECT_GE(split_stats.batches_committed, static_cast<std::int64_t>(events.size()));
  EXPECT_LT(whole_stats.batches_committed, split_stats.batches_committed);
  const std::vector<std::string> split_rows = books_tables(split);
  EXPECT_GT(split_rows.size(), 10u);
  EXPECT_EQ(split_rows, books_tables(whole));
}

TEST(BooksTest, OfflineThresholdComesFromTheOptions) {
  Harness h;
  Scenario scenario(h);
  h.publish_many({scenario.heartbeat("100", 0), scenario.heartbeat("100", 250),
                  scenario.heartbeat("100", 260)});
  ExtensionOptions options;
  options.offline_after_s = 200;
  project_with_books(h, 10'000, options);
  // 250 s > 200 s: offline at 200 s; 10 s: not. No positions: marks change nothing.
  EXPECT_EQ(h.rows("event_type, occurred_at, details->>'offline_after_us'",
                   "system_events WHERE component = 'accounting'"),
            std::vector<std::string>{join({"agent_offline", ts(200), "200000000"})});
  EXPECT_EQ(h.count("positions"), 0);
  EXPECT_EQ(h.count("performance_snapshots"), 3);
  EXPECT_EQ(h.value("SELECT capital FROM performance_summary"), "0.00000000");
}

}  // namespace
}  // namespace ledger::projector::testing
