// The projection on TimescaleDB's own ground (these run as timescaledb.Hypertables.* on the
// "timescaledb" fixture, and skip on plain PostgreSQL with the reason): rows that arrive late
// into chunks already compressed, duplicates redelivered over compressed chunks, and the seed
// documents' time_bucket / first / last queries on the hypertables, on compressed data, giving
// what the portable named query gives.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "ledger/queries/named_query.hpp"
#include "ledger/queries/run_query.hpp"

namespace ledger::projector {
namespace {

using ledger::v1::Event;
using testing::Harness;

class Hypertables : public ::testing::Test {
 protected:
  void SetUp() override {
    if (h.count("pg_extension WHERE extname = 'timescaledb'") == 0) {
      GTEST_SKIP() << "TimescaleDB is not installed in this database (plain PostgreSQL run)";
    }
    if (h.count("timescaledb_information.jobs WHERE proc_name = 'policy_compression'") == 0) {
      GTEST_SKIP() << "TimescaleDB without compression (Apache-only edition)";
    }
  }

  // Compresses every chunk of `table`; returns how many of its chunks are then compressed.
  std::int64_t compress_all(const std::string& table) {
    h.query("SELECT count(compress_chunk(c, if_not_compressed => true)) FROM show_chunks('ledger." +
            table + "') c");
    return h.count(
        "timescaledb_information.chunks WHERE hypertable_schema = 'ledger' AND "
        "hypertable_name = '" +
        table + "' AND is_compressed");
  }

  // A market buy of 100 BTC as order `order_id`, placed and accepted.
  std::vector<Event> open_order(const std::string& order_id) {
    Event placed = h.make(Event::kOrderPlaced);
    placed.mutable_order_placed()->set_order_id(order_id);
    placed.mutable_order_placed()->set_order_type(ledger::v1::OrderPlaced::MARKET);
    placed.mutable_order_placed()->clear_price();
    placed.mutable_order_placed()->set_quantity("100");
    Event accepted = h.make(Event::kOrderAccepted);
    accepted.mutable_order_accepted()->set_order_id(order_id);
    return {placed, accepted};
  }

  Event fill(const std::string& order_id, const std::string& fill_id, const std::string& price,
             const std::string& quantity, std::int64_t seconds_later) {
    Event event = h.make(Event::kOrderFilled);
    event.mutable_order_filled()->set_order_id(order_id);
    event.mutable_order_filled()->set_fill_id(fill_id);
    event.mutable_order_filled()->set_price(price);
    event.mutable_order_filled()->set_quantity(quantity);
    event.mutable_occurred_at()->set_seconds(event.occurred_at().seconds() + seconds_later);
    return event;
  }

  Harness h;
};

TEST_F(Hypertables, LateWritesAndDuplicatesLandInCompressedChunks) {
  std::vector<Event> first_run = open_order("order-1");
  first_run.push_back(h.make(Event::kDecisionMade));
  first_run.push_back(fill("order-1", "fill-1", "60000", "1", 60));
  first_run.push_back(fill("order-1", "fill-2", "60100", "2", 120));
  h.publish_many(first_run);
  ASSERT_EQ(h.project().events_rejected, 0);
  for (const char* table : {"fills", "event_archive", "order_events", "decisions"}) {
    ASSERT_GT(compress_all(table), 0) << table;
  }

  // Late: a fill and a decision whose event times fall inside the compressed chunks (between
  // rows already there); duplicates: the first run's fill and decision published again.
  Event late_decision = h.make(Event::kDecisionMade);
  late_decision.mutable_occurred_at()->set_seconds(late_decision.occurred_at().seconds() + 30);
  const Event late_fill = fill("order-1", "fill-3", "59900", "0.5", 90);
  h.publish_many({late_fill, late_decision, first_run[3], first_run[2]});
  const ProjectorStats stats = h.project();
  EXPECT_EQ(stats.events_rejected, 0);
  EXPECT_EQ(stats.duplicates, 2);
  EXPECT_EQ(stats.events_projected, 2);

  EXPECT_EQ(h.rows("fill_id, price, quantity", "fills", "occurred_at"),
            (std::vector<std::string>{"fill-1|60000.00000000|1.00000000",
                                      "fill-3|59900.00000000|0.50000000",
                                      "fill-2|60100.00000000|2.00000000"}));
  EXPECT_EQ(h.count("decisions"), 2);
  EXPECT_EQ(h.count("decisions WHERE event_id = '" + late_decision.event_id() + "'"), 1);
  EXPECT_EQ(h.value("SELECT filled_quantity FROM orders WHERE order_id = 'order-1'"), "3.50000000");
  EXPECT_EQ(h.count("order_events WHERE fill_id = 'fill-3'"), 1);
  // The archive mirrors the log: every record, duplicates included, once.
  EXPECT_EQ(h.count("event_archive"), 9);
  EXPECT_EQ(h.count("(SELECT DISTINCT kafka_partition, kafka_offset FROM event_archive) o"), 9);
  // Projected a second time from offset 0 (a redelivery over compressed chunks): nothing moves.
  h.query("UPDATE consumer_offsets SET next_offset = 0");
  const ProjectorStats again = h.project();
  EXPECT_EQ(again.events_projected, 0);
  EXPECT_EQ(h.count("fills"), 3);
  EXPECT_EQ(h.count("event_archive"), 9);
}

TEST_F(Hypertables, SeedTimeBucketFirstLastQueriesEqualTheNamedOhlcQuery) {
  std::vector<Event> events = open_order("order-1");
  // 40 fills, one every 7 minutes (about 5 hours), prices that go up and down.
  for (int i = 0; i < 40; ++i) {
    const std::string price = std::to_string(60000 + (i * 37) % 250 - (i % 3) * 40);
    events.push_back(fill("order-1", "fill-" + std::to_string(i), price,
                          "0." + std::to_string(1 + i % 9), i * 7 * 60));
  }
  h.publish_many(events);
  ASSERT_EQ(h.project().events_rejected, 0);
  ASSERT_GT(compress_all("fills"), 0);

  // Seed 000 (price_data) and 003 (candlesticks) write OHLCV like this.
  const pqxx::result seed = h.query(
      "SELECT symbol, time_bucket('1 hour', occurred_at) AS hour, "
      "first(price, occurred_at)::text, max(price)::text, min(price)::text, "
      "last(price, occurred_at)::text, sum(quantity)::text, count(*)::text "
      "FROM ledger.fills GROUP BY symbol, hour ORDER BY symbol, hour");
  const queries::NamedQuery* ohlc = queries::find_query(queries::builtin_queries(), "ohlc");
  ASSERT_NE(ohlc, nullptr);
  const queries::ResultTable named =
      queries::run_named_query(h.db_uri(), queries::ReadOptions{}, *ohlc, queries::QueryFilters{});
  ASSERT_GE(seed.size(), 5u);
  ASSERT_EQ(named.rows.size(), seed.size());
  const std::vector<std::string> columns{"open", "high", "low", "close", "volume", "trades"};
  for (std::size_t row = 0; row < seed.size(); ++row) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto at = std::find(named.columns.begin(), named.columns.end(), columns[c]);
      ASSERT_NE(at, named.columns.end()) << columns[c];
      const auto index = static_cast<std::size_t>(at - named.columns.begin());
      EXPECT_EQ(named.rows[row][index].value_or("NULL"),
                seed[row][static_cast<pqxx::row::size_type>(c + 2)].c_str())
          << "bucket " << row << " column " << columns[c];
    }
  }
  // Seed 003's last-known-value style: the last price per symbol over the whole hypertable.
  EXPECT_EQ(h.value("SELECT last(price, occurred_at) FROM ledger.fills"),
            h.value("SELECT price FROM ledger.fills ORDER BY occurred_at DESC LIMIT 1"));
}

}  // namespace
}  // namespace ledger::projector
