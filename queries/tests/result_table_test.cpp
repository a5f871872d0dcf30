// Output formats: aligned table, JSON with exact decimals, CSV quoting.
#include "ledger/queries/result_table.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace ledger::queries {
namespace {

ResultTable sample() {
  ResultTable table;
  table.columns = {"symbol", "qty", "n", "ok", "meta"};
  table.kinds = {CellKind::kText, CellKind::kDecimal, CellKind::kInteger, CellKind::kBoolean,
                 CellKind::kJson};
  table.rows.push_back({"BTC-USD", "0.10000000", "12", "t", "{\"a\": 1}"});
  table.rows.push_back({"a,\"b\"\nc", std::nullopt, "-3", "f", std::nullopt});
  return table;
}

TEST(ResultTable, TextIsAligned) {
  std::ostringstream out;
  write_text_table(sample(), out);
  EXPECT_EQ(out.str(),
            "symbol    qty         n   ok  meta\n"
            "--------  ----------  --  --  --------\n"
            "BTC-USD   0.10000000  12  t   {\"a\": 1}\n"
            "a,\"b\"\\nc              -3  f   \n"
            "(2 rows)\n");
}

TEST(ResultTable, JsonKeepsDecimalsExact) {
  std::ostringstream out;
  write_json(sample(), out);
  EXPECT_EQ(out.str(),
            "[\n  {\n    \"symbol\": \"BTC-USD\",\n    \"qty\": \"0.10000000\",\n    \"n\": 12,\n"
            "    \"ok\": true,\n    \"meta\": {\n      \"a\": 1\n    }\n  },\n  {\n"
            "    \"symbol\": \"a,\\\"b\\\"\\nc\",\n    \"qty\": null,\n    \"n\": -3,\n"
            "    \"ok\": false,\n    \"meta\": null\n  }\n]\n");
}

TEST(ResultTable, CsvQuotes) {
  std::ostringstream out;
  write_csv(sample(), out);
  EXPECT_EQ(out.str(),
            "symbol,qty,n,ok,meta\r\n"
            "BTC-USD,0.10000000,12,t,\"{\"\"a\"\": 1}\"\r\n"
            "\"a,\"\"b\"\"\nc\",,-3,f,\r\n");
}

}  // namespace
}  // namespace ledger::queries
