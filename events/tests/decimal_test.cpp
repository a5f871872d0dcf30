// Decimal: parsing edge cases, canonical text, rounding and checked arithmetic.
#include "ledger/events/decimal.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace ledger::events {
namespace {

std::string parsed(std::string_view text) {
  std::string error;
  const auto value = Decimal::parse(text, &error);
  return value ? value->to_string() : "error: " + error;
}

Decimal d(std::string_view text) {
  const auto value = Decimal::parse(text);
  EXPECT_TRUE(value.has_value()) << text;
  return value.value_or(Decimal{});
}

struct ParseCase {
  const char* text;
  const char* expected;  // canonical text, or "error: <reason>"
};

// Readable, stable test names in ctest: the input text, not the struct's bytes.
void PrintTo(const ParseCase& c, std::ostream* out) { *out << '"' << c.text << '"'; }

class DecimalParse : public ::testing::TestWithParam<ParseCase> {};

TEST_P(DecimalParse, ParsesOrRejectsWithReason) {
  EXPECT_EQ(parsed(GetParam().text), GetParam().expected) << "input: \"" << GetParam().text << "\"";
}

constexpr const char* kTooManyFraction = "error: more than 8 digits after the decimal point";
constexpr const char* kTooManyInteger = "error: more than 16 digits before the decimal point";

INSTANTIATE_TEST_SUITE_P(
    Plain, DecimalParse,
    ::testing::Values(ParseCase{"0", "0"}, ParseCase{"12", "12"}, ParseCase{"-0.5", "-0.5"},
                      ParseCase{"+3.25", "3.25"}, ParseCase{".5", "0.5"}, ParseCase{"5.", "5"},
                      ParseCase{"-.5", "-0.5"}, ParseCase{"007.100", "7.1"},
                      ParseCase{"0.00000001", "0.00000001"}, ParseCase{"-0", "0"},
                      ParseCase{"-0.000", "0"}, ParseCase{"+0", "0"},
                      ParseCase{"9999999999999999.99999999", "9999999999999999.99999999"},
                      ParseCase{"-9999999999999999.99999999", "-9999999999999999.99999999"},
                      ParseCase{"1.000000000000", "1"},  // trailing zeros lose nothing
                      ParseCase{"00000000000000000000001", "1"}));

INSTANTIATE_TEST_SUITE_P(
    Exponents, DecimalParse,
    ::testing::Values(ParseCase{"1.5e3", "1500"}, ParseCase{"2E-8", "0.00000002"},
                      ParseCase{"1.25e+3", "1250"}, ParseCase{"+3.1E-2", "0.031"},
                      ParseCase{"12345e-4", "1.2345"}, ParseCase{"0e999999999999", "0"},
                      ParseCase{"1e15", "1000000000000000"}, ParseCase{"1e16", kTooManyInteger},
                      ParseCase{"1e-9", kTooManyFraction}, ParseCase{"10e-9", "0.00000001"},
                      ParseCase{"1e99999999999999999999", kTooManyInteger},
                      ParseCase{"1e-99999999999999999999", kTooManyFraction},
                      ParseCase{"5e", "error: not a decimal number: \"5e\""},
                      ParseCase{"5e+", "error: not a decimal number: \"5e+\""},
                      ParseCase{"e5", "error: not a decimal number: \"e5\""},
                      ParseCase{"1e2.5", "error: not a decimal number: \"1e2.5\""}));

INSTANTIATE_TEST_SUITE_P(TooPrecise, DecimalParse,
                         ::testing::Values(ParseCase{"0.000000001", kTooManyFraction},
                                           ParseCase{"1.123456789", kTooManyFraction},
                                           ParseCase{"-0.000000005", kTooManyFraction},
                                           ParseCase{"10000000000000000", kTooManyInteger},
                                           ParseCase{"-10000000000000000", kTooManyInteger},
                                           ParseCase{"99999999999999999999999999999999999999999",
                                                     kTooManyInteger}));

INSTANTIATE_TEST_SUITE_P(
    Garbage, DecimalParse,
    ::testing::Values(ParseCase{"", "error: not a decimal number: \"\""},
                      ParseCase{"abc", "error: not a decimal number: \"abc\""},
                      ParseCase{" 1", "error: not a decimal number: \" 1\""},
                      ParseCase{"1 ", "error: not a decimal number: \"1 \""},
                      ParseCase{"1 000", "error: not a decimal number: \"1 000\""},
                      ParseCase{"NaN", "error: not a decimal number: \"NaN\""},
                      ParseCase{"inf", "error: not a decimal number: \"inf\""},
                      ParseCase{"-Infinity", "error: not a decimal number: \"-Infinity\""},
                      ParseCase{"0x10", "error: not a decimal number: \"0x10\""},
                      ParseCase{".", "error: not a decimal number: \".\""},
                      ParseCase{"-", "error: not a decimal number: \"-\""},
                      ParseCase{"+-1", "error: not a decimal number: \"+-1\""},
                      ParseCase{"1.2.3", "error: not a decimal number: \"1.2.3\""},
                      ParseCase{"1,5", "error: not a decimal number: \"1,5\""},
                      ParseCase{"\"1\"", "error: not a decimal number: \"\\\"1\\\"\""}));

TEST(Decimal, ErrorQuotesAtMostFortyCharacters) {
  std::string error;
  EXPECT_FALSE(Decimal::parse(std::string(1000, 'x'), &error));
  EXPECT_EQ(error, "not a decimal number: \"" + std::string(40, 'x') + "...\"");
}

TEST(Decimal, ParseWithoutErrorPointer) {
  EXPECT_FALSE(Decimal::parse("abc").has_value());
  EXPECT_FALSE(Decimal::parse("0.123456789").has_value());
  EXPECT_EQ(Decimal::parse("1.5")->units(), 150'000'000);
}

TEST(Decimal, NegativeZeroIsZero) {
  const Decimal zero = d("-0.0");
  EXPECT_TRUE(zero.is_zero());
  EXPECT_FALSE(zero.is_negative());
  EXPECT_EQ(zero, Decimal{});
  EXPECT_EQ(zero.to_string(), "0");
}

TEST(Decimal, CanonicalText) {
  EXPECT_EQ(Decimal::from_units(1).to_string(), "0.00000001");
  EXPECT_EQ(Decimal::from_units(-150'000'000).to_string(), "-1.5");
  EXPECT_EQ(Decimal::from_int(100).to_string(), "100");
  EXPECT_EQ(Decimal{}.to_string(), "0");
  EXPECT_EQ(Decimal::from_int(-7).to_string(), "-7");
  EXPECT_EQ(d("1234567890123456.12345678").to_string(), "1234567890123456.12345678");
}

TEST(Decimal, ToStringParsesBackToTheSameValue) {
  const Decimal::Units samples[] = {0, 1, -1, 99, 100'000'000, -123'456'789'012, 10'000'000'001};
  for (const auto units : samples) {
    const Decimal value = Decimal::from_units(units);
    EXPECT_EQ(Decimal::parse(value.to_string()), value) << value.to_string();
  }
}

TEST(Decimal, ToFixedRoundsHalfAwayFromZero) {
  EXPECT_EQ(d("1.005").to_fixed(2), "1.01");
  EXPECT_EQ(d("-1.005").to_fixed(2), "-1.01");
  EXPECT_EQ(d("1.00499999").to_fixed(2), "1.00");
  EXPECT_EQ(d("2.5").to_fixed(0), "3");
  EXPECT_EQ(d("-2.5").to_fixed(0), "-3");
  EXPECT_EQ(d("-0.001").to_fixed(2), "0.00");  // no negative zero
  EXPECT_EQ(d("123.456").to_fixed(8), "123.45600000");
  EXPECT_EQ(d("0").to_fixed(3), "0.000");
  EXPECT_EQ(d("9.999").to_fixed(2), "10.00");
}

TEST(Decimal, Ordering) {
  EXPECT_LT(d("-1"), d("0"));
  EXPECT_LT(d("0.00000001"), d("0.00000002"));
  EXPECT_EQ(d("1.50"), d("1.5"));
  EXPECT_EQ(d("15e-1"), d("1.5"));
  EXPECT_GT(d("100"), d("99.99999999"));
}

TEST(Decimal, CheckedAddAndSubStayInRange) {
  const Decimal max = d("9999999999999999.99999999");
  const Decimal tick = d("0.00000001");
  EXPECT_EQ(Decimal::checked_add(d("1.1"), d("2.2")), d("3.3"));
  EXPECT_EQ(Decimal::checked_sub(d("1"), d("2.5")), d("-1.5"));
  EXPECT_EQ(Decimal::checked_add(max, Decimal{}), max);
  EXPECT_FALSE(Decimal::checked_add(max, tick).has_value());
  EXPECT_FALSE(Decimal::checked_sub(-max, tick).has_value());
  EXPECT_FALSE(Decimal::checked_sub(max, -max).has_value());
  EXPECT_EQ(Decimal::checked_sub(max, max), Decimal{});
}

TEST(Decimal, CheckedMulExact) {
  EXPECT_EQ(Decimal::checked_mul_exact(d("0.5"), d("60000")), d("30000"));
  EXPECT_EQ(Decimal::checked_mul_exact(d("-1.5"), d("2")), d("-3"));
  EXPECT_EQ(Decimal::checked_mul_exact(d("0.0001"), d("0.0001")), d("0.00000001"));
  EXPECT_FALSE(Decimal::checked_mul_exact(d("0.0001"), d("0.00001")).has_value());  // 1e-9
  EXPECT_FALSE(Decimal::checked_mul_exact(d("100000000"), d("100000000")).has_value());
  const Decimal max = d("9999999999999999.99999999");
  EXPECT_FALSE(Decimal::checked_mul_exact(max, max).has_value());  // overflows 128 bits
  EXPECT_FALSE(Decimal::checked_mul_exact(-max, max).has_value());
}

TEST(Decimal, CheckedMulAndDivRounded) {
  EXPECT_EQ(Decimal::checked_mul_rounded(d("0.00000001"), d("0.5")), d("0.00000001"));
  EXPECT_EQ(Decimal::checked_mul_rounded(d("-0.00000001"), d("0.5")), d("-0.00000001"));
  EXPECT_EQ(Decimal::checked_mul_rounded(d("0.00000001"), d("0.4")), Decimal{});
  EXPECT_EQ(Decimal::checked_mul_rounded(d("0.12345678"), d("12345.12345678")),
            d("1524.08919068"));  // 1524.08919067652...
  EXPECT_EQ(Decimal::checked_div_rounded(d("1"), d("3")), d("0.33333333"));
  EXPECT_EQ(Decimal::checked_div_rounded(d("2"), d("3")), d("0.66666667"));
  EXPECT_EQ(Decimal::checked_div_rounded(d("-2"), d("3")), d("-0.66666667"));
  EXPECT_EQ(Decimal::checked_div_rounded(d("30000"), d("0.5")), d("60000"));
  EXPECT_FALSE(Decimal::checked_div_rounded(d("1"), Decimal{}).has_value());
  EXPECT_FALSE(Decimal::checked_div_rounded(d("1000000000"), d("0.00000001")).has_value());
  EXPECT_FALSE(Decimal::checked_mul_rounded(d("100000000"), d("100000000")).has_value());
}

TEST(Decimal, AbsAndNegate) {
  EXPECT_EQ(d("-2.5").abs(), d("2.5"));
  EXPECT_EQ(-d("2.5"), d("-2.5"));
  EXPECT_TRUE(d("-2.5").is_negative());
  EXPECT_TRUE(d("2.5").is_positive());
}

}  // namespace
}  // namespace ledger::events
