// Named query files: header parsing, placeholder checks, filter binding, relative times.
#include "ledger/queries/named_query.hpp"

#include <gtest/gtest.h>

#include "ledger/queries/filters.hpp"

namespace ledger::queries {
namespace {

const std::chrono::system_clock::time_point kNow = std::chrono::system_clock::time_point(
    std::chrono::seconds(1'767'607'200));  // 2026-01-05 10:00Z

TEST(NamedQuery, ParsesHeader) {
  NamedQuery query;
  std::string error;
  ASSERT_TRUE(
      parse_named_query("-- name: demo\n-- description: A demo.\n-- params: agent, limit\n"
                        "SELECT 1 WHERE $1::text IS NULL LIMIT $2::bigint",
                        "demo.sql", query, error))
      << error;
  EXPECT_EQ(query.name, "demo");
  EXPECT_EQ(query.description, "A demo.");
  EXPECT_EQ(query.params, (std::vector<std::string>{"agent", "limit"}));
}

TEST(NamedQuery, RefusesBadFiles) {
  NamedQuery query;
  std::string error;
  EXPECT_FALSE(parse_named_query("SELECT 1", "x.sql", query, error));
  EXPECT_NE(error.find("x.sql"), std::string::npos);
  EXPECT_FALSE(parse_named_query("-- name: x\n-- description: d\n-- params: colour\nSELECT $1",
                                 "x.sql", query, error));
  EXPECT_NE(error.find("colour"), std::string::npos);
  // $2 used but only one parameter listed.
  EXPECT_FALSE(parse_named_query("-- name: x\n-- description: d\n-- params: agent\nSELECT $1, $2",
                                 "x.sql", query, error));
  // A listed parameter never used.
  EXPECT_FALSE(
      parse_named_query("-- name: x\n-- description: d\n-- params: agent, symbol\n"
                        "SELECT $1",
                        "x.sql", query, error));
  EXPECT_NE(error.find("$2"), std::string::npos);
  // $3 inside a string or comment does not count.
  EXPECT_TRUE(
      parse_named_query("-- name: x\n-- description: d\n-- params: agent\n"
                        "SELECT $1, '$3' -- $4\n",
                        "x.sql", query, error))
      << error;
}

TEST(NamedQuery, BuiltinsParseAndCoverTheIssue) {
  const auto& queries = builtin_queries();
  for (const char* name :
       {"decisions", "orders", "open_orders", "fills", "signals", "system_events", "agent_status",
        "recent_trades", "trade_volume_by_symbol", "ohlc", "rejects", "strategies",
        "open_positions", "position_history", "performance_by_agent", "performance_by_strategy",
        "equity_curve"}) {
    EXPECT_NE(find_query(queries, name), nullptr) << name;
  }
  EXPECT_EQ(find_query(queries, "no_such_query"), nullptr);
}

TEST(Filters, BindsInParamOrderWithNulls) {
  NamedQuery query;
  std::string error;
  ASSERT_TRUE(parse_named_query(
      "-- name: x\n-- description: d\n-- params: symbol, agent, limit\nSELECT $1, $2, $3", "x",
      query, error));
  QueryFilters filters;
  filters.agent = "a'; DROP TABLE orders; --";
  filters.limit = 0;
  BoundParams params;
  ASSERT_TRUE(bind_filters(query, filters, kNow, params, error)) << error;
  ASSERT_EQ(params.size(), 3u);
  EXPECT_FALSE(params[0].has_value());
  EXPECT_EQ(params[1], std::optional<std::string>("a'; DROP TABLE orders; --"));
  EXPECT_FALSE(params[2].has_value());  // 0: no limit
  filters.limit = 25;
  ASSERT_TRUE(bind_filters(query, filters, kNow, params, error));
  EXPECT_EQ(params[2], std::optional<std::string>("25"));
}

TEST(Filters, RefusesFiltersTheQueryDoesNotTake) {
  const NamedQuery* query = find_query(builtin_queries(), "agent_status");
  ASSERT_NE(query, nullptr);
  QueryFilters filters;
  filters.symbol = "BTC-USD";
  BoundParams params;
  std::string error;
  EXPECT_FALSE(bind_filters(*query, filters, kNow, params, error));
  EXPECT_NE(error.find("--symbol"), std::string::npos) << error;
  filters = QueryFilters{};
  filters.limit = -1;
  EXPECT_FALSE(bind_filters(*query, filters, kNow, params, error));
}

TEST(Filters, RelativeTimes) {
  EXPECT_EQ(resolve_time("24h", kNow), "2026-01-04T10:00:00.000000Z");
  EXPECT_EQ(resolve_time("90s", kNow), "2026-01-05T09:58:30.000000Z");
  EXPECT_EQ(resolve_time("1w", kNow), "2025-12-29T10:00:00.000000Z");
  EXPECT_EQ(resolve_time("2026-01-01", kNow), "2026-01-01");
  EXPECT_EQ(resolve_time("h", kNow), "h");
  EXPECT_EQ(resolve_time("-5d", kNow), "-5d");
}

}  // namespace
}  // namespace ledger::queries
