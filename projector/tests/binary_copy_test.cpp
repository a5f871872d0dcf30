// BinaryCopy against a real PostgreSQL: every value type it writes reads back exactly as the
// text form would (numerics to the last of their 8 decimals), NULLs stay NULL, and a refused
// value is a pqxx::sql_error with its SQLSTATE that leaves the connection usable.
#include "binary_copy.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <random>

#include "ledger/testing/services.hpp"

namespace ledger::projector {
namespace {

using events::Decimal;

class BinaryCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pqxx::nontransaction(connection)
        .exec0(
            "CREATE TABLE t (n numeric(24,8), s numeric(9,8), u uuid, at timestamptz, "
            "b bytea, j jsonb, x text, i integer, l bigint, f boolean)");
  }
  std::string uri = ledger::testing::create_database("binary_copy");
  pqxx::connection connection{uri};
};

TEST_F(BinaryCopyTest, NumericsReadBackExactly) {
  std::vector<Decimal> values;
  for (const char* text :
       {"0", "0.00000001", "-0.00000001", "1", "-1", "0.5", "10000", "9999.9999", "12345678.9",
        "0.0001", "0.00010000", "100000000", "9999999999999999.99999999",
        "-9999999999999999.99999999", "67965.74", "0.015", "3148.33", "1000000"}) {
    values.push_back(*Decimal::parse(text));
  }
  std::mt19937_64 random(20261123);
  for (int i = 0; i < 2000; ++i) {
    const auto units = static_cast<Decimal::Units>(random() % 1'000'000'000'000'000'000ULL) *
                       (i % 3 == 0 ? -1 : 1) / static_cast<Decimal::Units>(1 + i % 1000);
    values.push_back(Decimal::from_units(units));
  }
  {
    pqxx::work tx(connection);
    BinaryCopy copy(tx, "t", {"n", "l"});
    std::int64_t row = 0;
    for (const Decimal& value : values) {
      copy.begin_row(2);
      copy.put(Numeric{value});
      copy.put(row++);
    }
    copy.complete();
    tx.commit();
  }
  pqxx::read_transaction tx(connection);
  const pqxx::result result = tx.exec("SELECT n::text FROM t ORDER BY l");
  ASSERT_EQ(result.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(std::string(result[i][0].c_str()), values[i].to_fixed(8)) << i;
  }
}

TEST_F(BinaryCopyTest, EveryTypeAndNullReadsBack) {
  const std::string bytes("\x00\x01\xff raw", 7);
  {
    pqxx::work tx(connection);
    BinaryCopy copy(tx, "t", {"n", "s", "u", "at", "b", "j", "x", "i", "l", "f"});
    copy.begin_row(10);
    copy.put(Numeric{*Decimal::parse("-12.5")});
    copy.put(Numeric{*Decimal::parse("0.99")});
    copy.put(Uuid{"0193A3F0-1C2D-7E4F-8A9B-0C1D2E3F4A5B"});
    copy.put(Timestamp{1'767'225'600'123'456});  // 2026-01-01 00:00:00.123456 UTC
    copy.put(Bytea{bytes});
    copy.put(Jsonb{R"({"b": [1, 2.5, "x"], "a": null})"});
    copy.put(std::string_view("tab\tnewline\n quote\" backslash\\ é"));
    copy.put(std::int32_t{-7});
    copy.put(std::int64_t{1} << 40);
    copy.put(true);
    copy.begin_row(10);
    for (int i = 0; i < 10; ++i) copy.put_null();
    copy.complete();
    tx.commit();
  }
  pqxx::read_transaction tx(connection);
  const pqxx::result rows = tx.exec(
      "SELECT n::text, s::text, u::text, to_char(at AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD HH24:MI:SS.US'), encode(b, 'hex'), j::text, x, i, l, f FROM t "
      "ORDER BY n NULLS LAST");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::string(rows[0][0].c_str()), "-12.50000000");
  EXPECT_EQ(std::string(rows[0][1].c_str()), "0.99000000");
  EXPECT_EQ(std::string(rows[0][2].c_str()), "0193a3f0-1c2d-7e4f-8a9b-0c1d2e3f4a5b");
  EXPECT_EQ(std::string(rows[0][3].c_str()), "2026-01-01 00:00:00.123456");
  EXPECT_EQ(std::string(rows[0][4].c_str()), "0001ff20726177");
  EXPECT_EQ(std::string(rows[0][5].c_str()), R"({"a": null, "b": [1, 2.5, "x"]})");
  EXPECT_EQ(std::string(rows[0][6].c_str()), "tab\tnewline\n quote\" backslash\\ é");
  EXPECT_EQ(rows[0][7].as<int>(), -7);
  EXPECT_EQ(rows[0][8].as<std::int64_t>(), std::int64_t{1} << 40);
  EXPECT_EQ(rows[0][9].as<bool>(), true);
  for (int column = 0; column < 10; ++column) EXPECT_TRUE(rows[1][column].is_null()) << column;
}

TEST_F(BinaryCopyTest, RefusedValuesAreSqlErrorsAndTheConnectionStaysUsable) {
  {
    pqxx::work tx(connection);
    EXPECT_THROW(
        {
          BinaryCopy copy(tx, "t", {"u"});
          copy.begin_row(1);
          copy.put(Uuid{"not-a-uuid"});
          copy.complete();
        },
        pqxx::sql_error);
  }
  try {
    pqxx::work tx(connection);
    BinaryCopy copy(tx, "t", {"x"});
    copy.begin_row(1);
    copy.put(std::string_view("NUL \0 inside", 12));
    copy.complete();
    ADD_FAILURE() << "a NUL byte in text was accepted";
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "22021") << e.what();  // character_not_in_repertoire
  }
  pqxx::work tx(connection);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM t")[0].as<int>(), 0);
}

}  // namespace
}  // namespace ledger::projector
