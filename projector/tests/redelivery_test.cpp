// Redelivery, duplicates and fencing against the real broker and PostgreSQL.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "ledger/projector/batch_runner.hpp"
#include "ledger/projector/store.hpp"

namespace ledger::projector::testing {
namespace {

using ledger::v1::Event;

// Every projection table's content, one text per table (order-independent within a table).
std::string snapshot(Harness& h, bool with_archive) {
  std::string out;
  std::vector<std::string> tables = {
      "agents",     "agent_status",  "heartbeats",       "decisions",    "signals",
      "strategies", "orders",        "order_events",     "fills",        "system_events",
      "rejects",    "parked_events", "processed_events", "agent_streams"};
  if (with_archive) tables.push_back("event_archive");
  for (const std::string& table : tables) {
    std::string columns = "t.*";
    if (table == "rejects") columns = "t.kafka_offset, t.reason, t.event_json";
    if (table == "parked_events") columns = "t.kafka_offset, t.event_id";
    if (table == "event_archive") columns = "t.kafka_offset, t.event_id, t.payload";
    out += table + ": " +
           h.value("SELECT coalesce(string_agg(x, E'\\n' ORDER BY x), '') FROM (SELECT (" +
                   columns.substr(0, 2) + "*)::text AS x FROM (SELECT " + columns + " FROM " +
                   table + " t) t) s") +
           "\n";
  }
  return out;
}

void publish_scenario(Harness& h) {
  h.publish(h.make(Event::kAgentRegistered));
  h.publish(h.make(Event::kOrderPlaced));
  Event fill = h.make(Event::kOrderFilled);
  fill.mutable_order_filled()->set_quantity("0.2");
  h.publish(fill);
  h.publish(h.make(Event::kAgentHeartbeat));
  h.publish(h.make(Event::kSignalEmitted));
  Event bad = h.make(Event::kOrderFilled);
  bad.mutable_order_filled()->set_order_id("ghost");
  h.publish(bad);
  h.publish_raw("\xff\xff\xff\x0f");
}

TEST(RedeliveryTest, ReplayingFromAnOldStoredOffsetChangesNothing) {
  Harness h;
  publish_scenario(h);
  h.project();
  const std::string before = snapshot(h, true);
  ASSERT_NE(before.find("ghost"), std::string::npos);
  h.query("UPDATE consumer_offsets SET next_offset = 0");
  const ProjectorStats again = h.project();
  EXPECT_EQ(again.duplicates, 7);
  EXPECT_EQ(again.events_projected, 0);
  EXPECT_EQ(snapshot(h, true), before);
  EXPECT_EQ(h.value("SELECT next_offset FROM consumer_offsets"), "7");
}

TEST(RedeliveryTest, ReplayWithEmptiedArchiveStillDedupsByEventId) {
  Harness h;
  publish_scenario(h);
  h.project();
  const std::string before = snapshot(h, false);
  // Without the archive's offsets, only processed_events stands between a redelivery and
  // double counting (undecodable records are the exception: they have no event_id).
  h.query(
      "DELETE FROM event_archive; DELETE FROM rejects WHERE reason = 'undecodable'; "
      "DELETE FROM system_events WHERE event_id NOT IN (SELECT event_id FROM "
      "processed_events); UPDATE consumer_offsets SET next_offset = 0");
  const ProjectorStats again = h.project();
  EXPECT_EQ(again.duplicates, 6);
  EXPECT_EQ(again.events_projected, 0);
  EXPECT_EQ(snapshot(h, false), before);
}

TEST(RedeliveryTest, AgentResendingTheSameEventIdsChangesNoProjection) {
  Harness h;
  std::vector<Event> sent;
  sent.push_back(h.make(Event::kAgentRegistered));
  sent.push_back(h.make(Event::kOrderPlaced));
  Event fill = h.make(Event::kOrderFilled);
  fill.mutable_order_filled()->set_quantity("0.2");
  sent.push_back(fill);
  sent.push_back(h.make(Event::kAgentHeartbeat));
  sent.push_back(h.make(Event::kDecisionMade));
  for (const Event& e : sent) h.publish(e);
  h.project();
  const std::string before = snapshot(h, false);
  // The agent resends everything (same event_ids) in one go, twice, plus one new event.
  for (int round = 0; round < 2; ++round) {
    for (const Event& e : sent) h.publish(e);
  }
  const ProjectorStats again = h.project();
  EXPECT_EQ(again.duplicates, 10);
  EXPECT_EQ(again.events_projected, 0);
  EXPECT_EQ(snapshot(h, false), before);
  // The archive keeps every record the log holds (it mirrors Kafka), duplicates included.
  EXPECT_EQ(h.count("event_archive"), 15);
  EXPECT_EQ(h.value("SELECT filled_quantity FROM orders"), "0.20000000");
  EXPECT_EQ(h.value("SELECT heartbeat_count FROM agent_status"), "1");
}

TEST(FencingTest, AWriterWithAStaleExpectedOffsetCannotCommit) {
  Harness h;
  h.publish(h.make(Event::kAgentRegistered));
  h.publish(h.make(Event::kAgentHeartbeat));
  h.project();  // stored offset: 2
  ASSERT_EQ(h.value("SELECT next_offset FROM consumer_offsets"), "2");

  ProjectorOptions options = h.options();
  Store store(options);
  store.connect();
  BatchRunner runner(options, store);
  const Event beat = h.make(Event::kAgentHeartbeat);
  const std::string bytes = beat.SerializeAsString();
  Record record;
  record.partition = 0;
  record.offset = 2;
  record.value = bytes;
  // A zombie that still believes the partition stands at 0 (it lost it in a rebalance).
  EXPECT_THROW(runner.commit_records(std::span<const Record>(&record, 1), {{0, 0}}), FencedError);
  // One that believes no row exists yet.
  store.connect();
  EXPECT_THROW(runner.commit_records(std::span<const Record>(&record, 1), {{0, std::nullopt}}),
               FencedError);
  // A partition it was never assigned.
  EXPECT_THROW(runner.commit_records(std::span<const Record>(&record, 1), {{1, 2}}), FencedError);
  EXPECT_EQ(h.count("heartbeats"), 1);
  EXPECT_EQ(h.count("event_archive"), 2);
  EXPECT_EQ(h.value("SELECT next_offset FROM consumer_offsets"), "2");
  // The owner, expecting the stored offset, commits.
  store.connect();
  const auto committed = runner.commit_records(std::span<const Record>(&record, 1), {{0, 2}});
  EXPECT_EQ(committed.at(0), 3);
  EXPECT_EQ(h.count("heartbeats"), 2);
  EXPECT_EQ(h.value("SELECT next_offset FROM consumer_offsets"), "3");
}

TEST(FencingTest, ConcurrentWritersOfOnePartitionCommitOnce) {
  Harness h;
  h.publish(h.make(Event::kAgentRegistered));
  h.project();  // stored offset: 1
  ProjectorOptions options = h.options();
  Store store_a(options);
  Store store_b(options);
  store_a.connect();
  store_b.connect();
  BatchRunner a(options, store_a);
  BatchRunner b(options, store_b);
  const Event beat = h.make(Event::kAgentHeartbeat);
  const std::string bytes = beat.SerializeAsString();
  Record record;
  record.offset = 1;
  record.value = bytes;
  a.commit_records(std::span<const Record>(&record, 1), {{0, 1}});
  EXPECT_THROW(b.commit_records(std::span<const Record>(&record, 1), {{0, 1}}), FencedError);
  EXPECT_EQ(h.count("heartbeats"), 1);
  EXPECT_EQ(h.value("SELECT next_offset FROM consumer_offsets"), "2");
}

}  // namespace
}  // namespace ledger::projector::testing
