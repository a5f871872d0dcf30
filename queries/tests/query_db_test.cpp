// Every named query on the known data set (data/known_dataset.sql) returns the expected rows;
// hostile parameters are data, never SQL; the session cannot write.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "known_dataset.hpp"
#include "ledger/queries/run_query.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::queries {
namespace {

class NamedQueries : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { uri_ = new std::string(testing::make_known_database("queries")); }
  static void TearDownTestSuite() { delete uri_; }

  ResultTable run(const std::string& name, QueryFilters filters = {}) {
    const NamedQuery* query = find_query(builtin_queries(), name);
    if (query == nullptr) throw std::runtime_error("no query " + name);
    return run_named_query(*uri_, ReadOptions{}, *query, filters);
  }

  // The column `name` of every row ("NULL" for NULL).
  static std::vector<std::string> column(const ResultTable& table, const std::string& name) {
    const auto found = std::find(table.columns.begin(), table.columns.end(), name);
    if (found == table.columns.end()) throw std::runtime_error("no column " + name);
    const auto index = static_cast<std::size_t>(found - table.columns.begin());
    std::vector<std::string> values;
    for (const auto& row : table.rows) values.push_back(row[index].value_or("NULL"));
    return values;
  }

  static std::int64_t count(const std::string& table) {
    pqxx::connection connection(*uri_);
    pqxx::nontransaction tx(connection);
    return tx.exec1("SELECT count(*) FROM ledger." + table)[0].as<std::int64_t>();
  }

  static std::string* uri_;
};
std::string* NamedQueries::uri_ = nullptr;

using Strings = std::vector<std::string>;

TEST_F(NamedQueries, Orders) {
  EXPECT_EQ(column(run("orders"), "order_id"), (Strings{"o-3", "o-2", "o-1"}));
  QueryFilters agent;
  agent.agent = "agent-a";
  const ResultTable table = run("orders", agent);
  EXPECT_EQ(column(table, "order_id"), (Strings{"o-2", "o-1"}));
  EXPECT_EQ(column(table, "status"), (Strings{"partially_filled", "filled"}));
  EXPECT_EQ(column(table, "remaining_quantity"), (Strings{"0.03000000", "0.00000000"}));
  QueryFilters window;
  window.since = "2026-01-05 10:04:00+00";
  window.until = "2026-01-05 10:31:00+00";
  EXPECT_EQ(column(run("orders", window), "order_id"), (Strings{"o-3", "o-2"}));
  QueryFilters limited;
  limited.limit = 1;
  EXPECT_EQ(run("orders", limited).rows.size(), 1u);
}

TEST_F(NamedQueries, OpenOrders) {
  EXPECT_EQ(column(run("open_orders"), "order_id"), (Strings{"o-2"}));
  QueryFilters strategy;
  strategy.strategy = "meanrev";
  EXPECT_TRUE(run("open_orders", strategy).rows.empty());
}

TEST_F(NamedQueries, FillsAndRecentTrades) {
  QueryFilters symbol;
  symbol.symbol = "BTC-USD";
  const ResultTable fills = run("fills", symbol);
  EXPECT_EQ(column(fills, "fill_id"), (Strings{"f-3", "f-2", "f-1"}));
  EXPECT_EQ(column(fills, "kafka_offset"), (Strings{"16", "13", "12"}));
  EXPECT_TRUE(run("recent_trades").rows.empty()) << "default window is the last 24 hours";
  QueryFilters since;
  since.since = "2026-01-05";
  const ResultTable recent = run("recent_trades", since);
  EXPECT_EQ(column(recent, "price"),
            (Strings{"44000.00000000", "42987.50000000", "42900.00000000"}));
  EXPECT_EQ(recent.columns.front(), "symbol");
}

TEST_F(NamedQueries, TradeVolumeBySymbol) {
  const ResultTable table = run("trade_volume_by_symbol");
  EXPECT_EQ(column(table, "symbol"), (Strings{"BTC-USD"}));
  EXPECT_EQ(column(table, "total_trades"), (Strings{"3"}));
  EXPECT_EQ(column(table, "buy_volume"), (Strings{"3006.50000000"}));
  EXPECT_EQ(column(table, "sell_volume"), (Strings{"880.00000000"}));
  EXPECT_EQ(column(table, "fees"), (Strings{"3.89000000"}));
}

TEST_F(NamedQueries, OhlcBuckets) {
  QueryFilters hourly;
  const ResultTable hour = run("ohlc", hourly);
  EXPECT_EQ(column(hour, "bucket_start"), (Strings{"2026-01-05 10:00:00+00"}));
  EXPECT_EQ(column(hour, "open"), (Strings{"42900.00000000"}));
  EXPECT_EQ(column(hour, "high"), (Strings{"44000.00000000"}));
  EXPECT_EQ(column(hour, "low"), (Strings{"42900.00000000"}));
  EXPECT_EQ(column(hour, "close"), (Strings{"44000.00000000"}));
  EXPECT_EQ(column(hour, "volume"), (Strings{"0.09000000"}));
  QueryFilters quarter;
  quarter.bucket = "15 minutes";
  const ResultTable buckets = run("ohlc", quarter);
  EXPECT_EQ(column(buckets, "bucket_start"),
            (Strings{"2026-01-05 10:00:00+00", "2026-01-05 10:30:00+00"}));
  EXPECT_EQ(column(buckets, "trades"), (Strings{"2", "1"}));
  EXPECT_EQ(column(buckets, "close"), (Strings{"42987.50000000", "44000.00000000"}));
}

TEST_F(NamedQueries, DecisionsSignalsSystemEvents) {
  QueryFilters agent;
  agent.agent = "agent-a";
  EXPECT_EQ(column(run("decisions", agent), "action"), (Strings{"HOLD", "OPEN_LONG"}));
  EXPECT_EQ(column(run("signals"), "signal_type"), (Strings{"buy"}));
  EXPECT_EQ(column(run("system_events"), "event_type"), (Strings{"projection_reject", "startup"}));
  EXPECT_EQ(column(run("rejects"), "reason"), (Strings{"overfill"}));
  const ResultTable outcomes = run("decision_outcomes");
  EXPECT_EQ(column(outcomes, "action"), (Strings{"HOLD", "OPEN_LONG", "OPEN_SHORT"}));
  EXPECT_EQ(column(outcomes, "with_orders"), (Strings{"0", "1", "1"}));
  EXPECT_EQ(column(outcomes, "with_fills"), (Strings{"0", "1", "0"}));
}

TEST_F(NamedQueries, AgentStatusAndStrategies) {
  const ResultTable agents = run("agent_status");
  EXPECT_EQ(column(agents, "agent_id"), (Strings{"agent-a", "agent-b"}));
  EXPECT_EQ(column(agents, "heartbeat_status"), (Strings{"online", "NULL"}));
  EXPECT_EQ(column(run("strategies"), "strategy_id"), (Strings{"meanrev", "trend"}));
}

TEST_F(NamedQueries, HostileParametersAreData) {
  for (const std::string hostile :
       {"agent-a'; DROP TABLE orders; --", "agent-a\" OR 1=1 --", "x'); DELETE FROM fills; --",
        "'; SELECT pg_sleep(10); --", "agent-a' OR 'a'='a"}) {
    QueryFilters filters;
    filters.agent = hostile;
    filters.symbol = hostile;
    EXPECT_TRUE(run("orders", filters).rows.empty()) << hostile;
    EXPECT_TRUE(run("fills", filters).rows.empty()) << hostile;
  }
  QueryFilters bad_time;
  bad_time.since = "2026-01-01'; DROP TABLE orders; --";
  EXPECT_THROW(run("orders", bad_time), pqxx::data_exception);
  EXPECT_EQ(count("orders"), 3);
  EXPECT_EQ(count("fills"), 3);
}

TEST_F(NamedQueries, ASessionCannotWrite) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ledger-queries-" + ledger::testing::unique_suffix());
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "evil.sql")
      << "-- name: evil\n-- description: tries to write\n"
         "-- params: agent\n"
         "DELETE FROM orders WHERE $1::text IS NULL RETURNING order_id\n";
  std::vector<NamedQuery> queries = builtin_queries();
  std::string error;
  ASSERT_TRUE(load_query_dir(dir.string(), queries, error)) << error;
  const NamedQuery* evil = find_query(queries, "evil");
  ASSERT_NE(evil, nullptr);
  EXPECT_THROW(run_named_query(*uri_, ReadOptions{}, *evil, QueryFilters{}), pqxx::sql_error);
  EXPECT_EQ(count("orders"), 3);
  // Even outside READ ONLY, the reader role has no write grant.
  pqxx::connection connection(*uri_);
  pqxx::work tx(connection);
  tx.exec0("SET LOCAL ROLE ledger_reader");
  EXPECT_THROW(tx.exec0("DELETE FROM ledger.orders"), pqxx::insufficient_privilege);
  std::filesystem::remove_all(dir);
}

TEST_F(NamedQueries, PositionsAndPerformance) {
  if (!testing::has_books(*uri_)) GTEST_SKIP() << "accounting tables (0150) not migrated";
  const ResultTable open = run("open_positions");
  EXPECT_EQ(column(open, "symbol"), (Strings{"BTC-USD"}));
  EXPECT_EQ(column(open, "quantity"), (Strings{"0.05000000"}));
  EXPECT_EQ(column(open, "unrealized_pnl"), (Strings{"52.50000000"}));
  QueryFilters agent_b;
  agent_b.agent = "agent-b";
  const ResultTable history = run("position_history", agent_b);
  EXPECT_EQ(column(history, "net_pnl"), (Strings{"48.00000000"}));
  EXPECT_EQ(column(history, "outcome"), (Strings{"win"}));
  EXPECT_EQ(column(run("performance_by_strategy"), "strategy_id"), (Strings{"meanrev"}));
  EXPECT_TRUE(run("performance_by_agent").rows.empty());
  EXPECT_TRUE(run("equity_curve").rows.empty());
}

// The views of migration 0200 mirror the named queries, readable by ledger_reader.
TEST_F(NamedQueries, ViewsMirrorTheNamedQueries) {
  ReadOnlySession session(*uri_, ReadOptions{});
  const ResultTable open = to_table(session.exec(
      "SELECT order_id FROM open_orders_view WHERE agent_id = $1", {std::string("agent-a")}));
  EXPECT_EQ(column(open, "order_id"), (Strings{"o-2"}));
  const ResultTable volume =
      to_table(session.exec("SELECT buy_volume, sell_volume FROM trade_volume_by_symbol_view", {}));
  EXPECT_EQ(column(volume, "buy_volume"), (Strings{"3006.50000000"}));
  const ResultTable ohlc = to_table(session.exec(
      "SELECT open, close, trades FROM ohlc_hourly_view WHERE agent_id = 'agent-a'", {}));
  EXPECT_EQ(column(ohlc, "close"), (Strings{"44000.00000000"}));
  for (const char* view : {"decisions_view", "orders_view", "fills_view", "recent_trades_view",
                           "signals_view", "system_events_view", "agent_status_view",
                           "rejects_view", "strategies_view", "decision_outcomes_view"}) {
    EXPECT_NO_THROW(session.exec(std::string("SELECT * FROM ") + view + " LIMIT 1", {})) << view;
  }
  if (!testing::has_books(*uri_)) return;
  const ResultTable positions =
      to_table(session.exec("SELECT symbol, unrealized_pnl FROM open_positions_view", {}));
  EXPECT_EQ(column(positions, "unrealized_pnl"), (Strings{"52.50000000"}));
  for (const char* view : {"position_history_view", "performance_by_agent_view",
                           "performance_by_strategy_view", "equity_curve_view"}) {
    EXPECT_NO_THROW(session.exec(std::string("SELECT * FROM ") + view + " LIMIT 1", {})) << view;
  }
}

TEST_F(NamedQueries, UnknownSchemaIsNamed) {
  ReadOptions options;
  options.schema = "no_such_schema";
  try {
    run_named_query(*uri_, options, *find_query(builtin_queries(), "orders"), QueryFilters{});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_schema"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ledger::queries
