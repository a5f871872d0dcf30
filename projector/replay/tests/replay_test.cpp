// Replay against the real broker and PostgreSQL, after a mixed run (rejects, duplicates,
// partial fills, flips, undecodable bytes).
#include "ledger/projector/replay/replay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "ledger/projector/books/books.hpp"
#include "ledger/projector/projector.hpp"
#include "ledger/projector/replay/replay_compare.hpp"
#include "ledger/schema/migrator.hpp"
#include "ledger/testing/database.hpp"
#include "ledger/testing/services.hpp"
#include "replay_support.hpp"

namespace ledger::projector {
namespace {

using namespace ledger::replay_testing;
using Clock = std::chrono::steady_clock;

// Every index of `schema` (partitions' too) as "table: definition", the schema name removed.
std::vector<std::string> index_definitions(const std::string& uri, const std::string& schema) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  std::vector<std::string> definitions;
  for (const pqxx::row& row : tx.exec_params(
           "SELECT tablename || ': ' || replace(indexdef, quote_ident(schemaname) || '.', '') "
           "FROM pg_indexes WHERE schemaname = $1 ORDER BY 1",
           schema)) {
    definitions.emplace_back(row[0].c_str());
  }
  return definitions;
}

TEST(Replay, KafkaAndArchiveRebuildsEqualTheLiveTablesRowForRow) {
  const std::string topic = ledger::testing::create_topic("replay.equal", 3);
  const std::string uri = migrated_database("replay_equal");
  const std::vector<RawRecord> records = mixed_run(11, 2500, 4, true);
  produce(topic, records);
  project_live(topic, uri, "ledger");
  // The run is mixed: rejects (one for text with a NUL byte), duplicates, partial fills and
  // undecodable bytes are all there.
  EXPECT_GT(count(uri, "SELECT count(*) FROM ledger.rejects WHERE reason = 'undecodable'"), 0);
  EXPECT_GT(count(uri, "SELECT count(*) FROM ledger.rejects WHERE reason LIKE 'fill_%'"), 0);
  EXPECT_GT(count(uri, "SELECT count(*) FROM ledger.rejects WHERE reason = 'invalid_field'"), 0);
  EXPECT_EQ(count(uri,
                  "SELECT count(*) FROM ledger.rejects WHERE reason = 'invalid_field' AND "
                  "details LIKE '%must not contain NUL bytes%'"),
            1);
  EXPECT_GT(count(uri,
                  "SELECT count(*) FROM ledger.order_events WHERE to_status = "
                  "'partially_filled'"),
            0);
  EXPECT_EQ(count(uri, "SELECT count(*) FROM ledger.event_archive"),
            static_cast<std::int64_t>(records.size()));
  // ... and the books: positions opened, closed and flipped.
  EXPECT_GT(count(uri, "SELECT count(*) FROM ledger.closed_positions"), 0);
  EXPECT_GT(count(uri, "SELECT count(*) FROM ledger.position_changes WHERE change = 'flipped'"), 0);

  const std::atomic<bool> stop{false};
  ReplayOptions from_kafka = replay_options(topic, uri, ReplayMode::kBuild);
  from_kafka.target_schema = "rebuild_kafka";
  const ReplayResult kafka = replay(from_kafka, stop);
  EXPECT_EQ(kafka.events, static_cast<std::int64_t>(records.size()));
  pqxx::connection connection(uri);
  const auto kafka_diff = compare_schemas(connection, "ledger", "rebuild_kafka");
  EXPECT_TRUE(kafka_diff.empty()) << describe_differences(kafka_diff);
  // The rebuild loads without its indexes and creates them afterwards: the same ones as the
  // migrations made, partitions included.
  EXPECT_GT(kafka.indexes_built, 20);
  EXPECT_EQ(index_definitions(uri, "rebuild_kafka"), index_definitions(uri, "ledger"));
  // The archive rows are the live archive's (copied inside PostgreSQL), received_at included.
  EXPECT_EQ(count(uri,
                  "SELECT count(*) FROM ledger.event_archive l JOIN rebuild_kafka.event_archive r "
                  "USING (kafka_topic, kafka_partition, kafka_offset) "
                  "WHERE l.received_at = r.received_at AND l.payload = r.payload"),
            static_cast<std::int64_t>(records.size()));

  ReplayOptions from_archive =
      replay_options(topic, uri, ReplayMode::kBuild, ReplaySource::kArchive);
  from_archive.target_schema = "rebuild_archive";
  const ReplayResult archive = replay(from_archive, stop);
  EXPECT_EQ(archive.events, static_cast<std::int64_t>(records.size()));
  const auto archive_diff = compare_schemas(connection, "rebuild_kafka", "rebuild_archive");
  EXPECT_TRUE(archive_diff.empty()) << describe_differences(archive_diff);
}

// --verify: equal now; after tampering with one live row, the difference is named by key.
TEST(Replay, VerifyNamesATamperedRowByItsKey) {
  const std::string topic = ledger::testing::create_topic("replay.verify", 2);
  const std::string uri = migrated_database("replay_verify");
  produce(topic, mixed_run(17, 800, 2));
  project_live(topic, uri, "ledger");
  const std::atomic<bool> stop{false};
  pqxx::connection connection(uri);
  ReplayResult verified = replay(replay_options(topic, uri, ReplayMode::kVerify), stop);
  EXPECT_TRUE(verified.differences.empty()) << describe_differences(verified.differences);
  {
    pqxx::work tx(connection);
    tx.exec0(
        "UPDATE ledger.orders SET fees_paid = fees_paid + 1 WHERE order_id = "
        "(SELECT min(order_id) FROM ledger.orders)");
    tx.commit();
  }
  verified = replay(replay_options(topic, uri, ReplayMode::kVerify), stop);
  ASSERT_EQ(verified.differences.size(), 1u) << describe_differences(verified.differences);
  EXPECT_EQ(verified.differences[0].table, "orders");
  EXPECT_EQ(verified.differences[0].missing, 1);
  EXPECT_EQ(verified.differences[0].extra, 1);
  ASSERT_FALSE(verified.differences[0].examples.empty());
  EXPECT_EQ(verified.differences[0].examples[0].rfind("differs key (", 0), 0u)
      << verified.differences[0].examples[0];
}

TEST(Replay, AsOfEqualsALiveRunStoppedAtThatTime) {
  const std::string topic = ledger::testing::create_topic("replay.asof", 2);
  const std::string uri = migrated_database("replay_asof");
  std::vector<RawRecord> records = mixed_run(12, 1600, 3);
  // The cut: the time of the 1000th record; every later record occurred after it.
  const std::int64_t cut_ms = records[999].occurred_at_ms;
  std::size_t split = 0;
  while (split < records.size() && records[split].occurred_at_ms <= cut_ms) ++split;
  const std::vector<RawRecord> before(records.begin(), records.begin() + static_cast<long>(split));
  const std::vector<RawRecord> after(records.begin() + static_cast<long>(split), records.end());
  ASSERT_FALSE(after.empty());
  // The live run stopped at the cut: a projector into schema `then` that never sees the rest.
  {
    pqxx::connection connection(uri);
    schema::MigrateOptions migrate;
    migrate.schema = "then";
    schema::MigrateResult result;
    std::string error;
    ASSERT_TRUE(schema::migrate(connection, migrate, result, error)) << error;
  }
  produce(topic, before);
  project_live(topic, uri, "then");
  produce(topic, after);
  project_live(topic, uri, "ledger");

  const std::atomic<bool> stop{false};
  ReplayOptions options = replay_options(topic, uri, ReplayMode::kAsOf);
  options.as_of_us = cut_ms * 1000 + 999;
  const ReplayResult result = replay(options, stop);
  EXPECT_EQ(result.target_schema.rfind("ledger_asof_", 0), 0u) << result.target_schema;
  pqxx::connection connection(uri);
  const auto diff = compare_schemas(connection, "then", result.target_schema);
  EXPECT_TRUE(diff.empty()) << describe_differences(diff);
  // The live schema was not touched: it still holds everything.
  EXPECT_EQ(count(uri, "SELECT count(*) FROM ledger.event_archive"),
            static_cast<std::int64_t>(records.size()));
}

// The rows of <schema>.<table> as "agent_id: row as json", the Kafka coordinates left out (two
// topics put the same event at different offsets), sorted.
std::vector<std::string> agent_rows(const std::string& uri, const std::string& schema,
                                    const std::string& table) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  std::vector<std::string> rows;
  for (const pqxx::row& row :
       tx.exec("SELECT t.agent_id || ': ' || (to_jsonb(t) - 'kafka_partition' - "
               "'kafka_offset')::text FROM " +
               tx.quote_name(schema) + "." + tx.quote_name(table) + " t ORDER BY 1")) {
    rows.emplace_back(row[0].c_str());
  }
  return rows;
}

TEST(Replay, AsOfKeepsEveryAgentOfASharedPartition) {
  // One partition, the agents one after another: event times interleave across agents and do
  // not increase along the partition (the contract orders events per agent only).
  std::vector<RawRecord> records = mixed_run(14, 1200, 4);
  std::stable_sort(records.begin(), records.end(),
                   [](const RawRecord& a, const RawRecord& b) { return a.key < b.key; });
  std::vector<std::int64_t> times;
  for (const RawRecord& record : records) times.push_back(record.occurred_at_ms);
  ASSERT_FALSE(std::is_sorted(times.begin(), times.end()));
  std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2), times.end());
  const std::int64_t cut_ms = times[times.size() / 2];
  std::vector<RawRecord> by_then;
  for (const RawRecord& record : records) {
    if (record.occurred_at_ms <= cut_ms) by_then.push_back(record);
  }
  const std::string uri = migrated_database("replay_asof_shared");
  ledger::testing::migrate_schema(uri, "by_cut");
  // The live run fed only the events that occurred by the cut (on a topic of their own).
  const std::string then_topic = ledger::testing::create_topic("replay.asof_then", 1);
  produce(then_topic, by_then);
  project_live(then_topic, uri, "by_cut");
  const std::string topic = ledger::testing::create_topic("replay.asof_shared", 1);
  produce(topic, records);
  project_live(topic, uri, "ledger");
  ASSERT_GE(count(uri, "SELECT count(DISTINCT agent_id) FROM by_cut.positions"), 3);

  const std::atomic<bool> stop{false};
  for (const ReplaySource source : {ReplaySource::kKafka, ReplaySource::kArchive}) {
    const bool archive = source == ReplaySource::kArchive;
    SCOPED_TRACE(archive ? "from the archive" : "from Kafka");
    ReplayOptions options = replay_options(topic, uri, ReplayMode::kAsOf, source);
    options.as_of_us = cut_ms * 1000 + 999;
    options.target_schema = archive ? "asof_archive" : "asof_kafka";
    options.projector.batch_events_max = 300;  // cuts in the middle of batches
    const ReplayResult result = replay(options, stop);
    // It read the whole partition, skipped records included.
    EXPECT_EQ(result.end_offsets.at(0), static_cast<std::int64_t>(records.size()));
    for (const char* table : {"fills", "positions", "orders", "position_changes"}) {
      const std::vector<std::string> copy = agent_rows(uri, options.target_schema, table);
      const std::vector<std::string> expected = agent_rows(uri, "by_cut", table);
      EXPECT_TRUE(copy == expected) << table << ": " << copy.size() << " rows in the as-of copy, "
                                    << expected.size() << " in the live run fed up to the cut";
    }
    EXPECT_EQ(count(uri, "SELECT count(*) FROM " + options.target_schema + ".event_archive"),
              static_cast<std::int64_t>(by_then.size()));
  }
}

// The live projector of a deployment: runs into the "ledger" schema on its own thread until
// stop(), while a replay rebuilds beside it.
class LiveProjector {
 public:
  LiveProjector(const std::string& topic, const std::string& uri)
      : thread_([this, topic, uri] {
          try {
            Extensions extensions;
            Projector projector(projector_options(topic, uri, "ledger"));
            for (ProjectionExtension* extension : extensions.raw()) {
              projector.add_extension(extension);
            }
            projector.run(stop_);
          } catch (const std::exception& e) {
            error_ = e.what();
          }
        }) {}
  ~LiveProjector() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // What made the projector stop, "" when stop() did; read after stop().
  const std::string& error() const { return error_; }

 private:
  std::atomic<bool> stop_{false};
  std::string error_;
  std::thread thread_;  // last: it starts once the members it uses exist
};

// Readers of the live tables: a thread that reads in a loop until stop(), counting reads and
// errors (a swap must never make a reader fail).
class LoopingReader {
 public:
  explicit LoopingReader(const std::string& uri)
      : thread_([this, uri] {
          pqxx::connection connection(uri);
          while (!stop_) {
            try {
              pqxx::read_transaction tx(connection);
              tx.exec1(
                  "SELECT (SELECT count(*) FROM ledger.orders) + (SELECT count(*) FROM "
                  "ledger.fills) + (SELECT count(*) FROM ledger.consumer_offsets)");
              ++reads;
            } catch (const std::exception& e) {
              if (errors++ == 0) first_error = e.what();
            }
          }
        }) {}
  ~LoopingReader() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::atomic<std::int64_t> reads{0};
  std::atomic<std::int64_t> errors{0};
  std::string first_error;  // read after stop()

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Waits until `schema` has committed `total` records or the deadline passed; returns the count.
std::int64_t wait_committed(const std::string& uri, const std::string& schema, std::int64_t total,
                            Clock::time_point deadline) {
  while (committed_total(uri, schema) < total && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return committed_total(uri, schema);
}

TEST(Replay, SwapIsAtomicWhileTheLiveProjectorKeepsCommitting) {
  const std::string topic = ledger::testing::create_topic("replay.swap", 3);
  const std::string uri = migrated_database("replay_swap");
  const std::vector<RawRecord> records = mixed_run(13, 6000, 4);
  const auto total = static_cast<std::int64_t>(records.size());
  const auto half = static_cast<long>(records.size() / 2);
  produce(topic, std::vector<RawRecord>(records.begin(), records.begin() + half));
  LiveProjector live(topic, uri);
  const auto deadline = Clock::now() + std::chrono::milliseconds(kTimeoutMs);
  if (wait_committed(uri, "ledger", half, deadline) != half) {
    live.stop();
    FAIL() << "the live projector did not catch up: " << live.error();
  }

  // During the rebuild: the rest of the log arrives slowly, and a reader keeps reading.
  std::thread publisher([&] {
    for (long begin = half; begin < static_cast<long>(records.size()); begin += 150) {
      const long end = std::min<long>(begin + 150, static_cast<long>(records.size()));
      produce(topic, std::vector<RawRecord>(records.begin() + begin, records.begin() + end));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  LoopingReader reader(uri);
  const std::int64_t live_before = committed_total(uri, "ledger");
  const std::atomic<bool> stop{false};
  ReplayOptions options = replay_options(topic, uri, ReplayMode::kSwap);
  options.projector.batch_events_max = 300;
  // The rebuild waits after its first batch until the live side has committed more, so the two
  // overlap however fast the rebuild is.
  options.progress = [&, waited = false](const ReplayProgress&) mutable {
    if (waited) return;
    waited = true;
    wait_committed(uri, "ledger", live_before + 1, deadline);
  };
  ReplayResult result;
  EXPECT_NO_THROW(result = replay(options, stop));
  publisher.join();
  reader.stop();
  if (::testing::Test::HasFailure()) return;
  EXPECT_EQ(reader.errors.load(), 0) << reader.first_error;
  EXPECT_GT(reader.reads.load(), 10);
  EXPECT_EQ(result.target_schema, "ledger");
  ASSERT_FALSE(result.old_schema.empty());
  // The live projector committed into the old schema while the rebuild ran.
  EXPECT_GT(committed_total(uri, result.old_schema), live_before);

  // After the swap the live projector carries on in the new schema by itself.
  EXPECT_EQ(wait_committed(uri, "ledger", total, deadline), total);
  live.stop();
  EXPECT_EQ(live.error(), "");
  EXPECT_EQ(count(uri, "SELECT count(*) FROM ledger.event_archive"), total);
  const ReplayResult verified = replay(replay_options(topic, uri, ReplayMode::kVerify), stop);
  EXPECT_TRUE(verified.differences.empty()) << describe_differences(verified.differences);
}

}  // namespace
}  // namespace ledger::projector
