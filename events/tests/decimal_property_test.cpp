// Decimal properties over random values (rapidcheck): text round trips, arithmetic identities,
// and parse never misbehaving on arbitrary text.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "ledger/events/decimal.hpp"

namespace ledger::events {
namespace {

constexpr std::int64_t kIntegerLimit = 10'000'000'000'000'000;  // 10^16
constexpr std::int64_t kFractionLimit = 100'000'000;            // 10^8

// Any value NUMERIC(24,8) holds, biased towards small and boundary magnitudes by rapidcheck.
rc::Gen<Decimal> any_decimal() {
  return rc::gen::apply(
      [](bool negative, std::int64_t integer, std::int64_t fraction) {
        const Decimal::Units units =
            static_cast<Decimal::Units>(integer) * Decimal::kOne + fraction;
        return Decimal::from_units(negative ? -units : units);
      },
      rc::gen::arbitrary<bool>(), rc::gen::inRange<std::int64_t>(0, kIntegerLimit),
      rc::gen::inRange<std::int64_t>(0, kFractionLimit));
}

RC_GTEST_PROP(DecimalProperty, CanonicalTextParsesBack, ()) {
  const Decimal value = *any_decimal();
  const std::string text = value.to_string();
  RC_ASSERT(Decimal::parse(text) == value);
  RC_ASSERT(Decimal::parse(value.to_fixed(8)) == value);
  RC_ASSERT(text.find('e') == std::string::npos);
  RC_ASSERT(text == "0" || text.back() != '0' || text.find('.') == std::string::npos);
}

RC_GTEST_PROP(DecimalProperty, ExponentFormMeansTheSameValue, ()) {
  const Decimal value = *any_decimal();
  const std::string text = value.to_fixed(8);  // "<int>.<8 digits>"
  std::string digits;
  for (char c : text) {
    if (c != '.') digits.push_back(c);
  }
  RC_ASSERT(Decimal::parse(digits + "e-8") == value);
  RC_ASSERT(Decimal::parse(digits + "0E-9") == value);
}

RC_GTEST_PROP(DecimalProperty, AddThenSubIsIdentity, ()) {
  const Decimal a = *any_decimal();
  const Decimal b = *any_decimal();
  const auto sum = Decimal::checked_add(a, b);
  RC_ASSERT(sum == Decimal::checked_add(b, a));
  if (sum) {
    RC_ASSERT(Decimal::checked_sub(*sum, b) == a);
  } else {  // only when the exact sum leaves the range
    const Decimal::Units exact = a.units() + b.units();
    RC_ASSERT(exact >= 10'000'000'000'000'000 * Decimal::kOne ||
              exact <= -10'000'000'000'000'000 * Decimal::kOne);
  }
}

RC_GTEST_PROP(DecimalProperty, MulByOneAndRoundedDivision, ()) {
  const Decimal a = *any_decimal();
  RC_ASSERT(Decimal::checked_mul_exact(a, Decimal::from_int(1)) == a);
  RC_ASSERT(Decimal::checked_mul_rounded(a, Decimal::from_int(-1)) == -a);
  RC_ASSERT(Decimal::checked_div_rounded(a, Decimal::from_int(1)) == a);
}

RC_GTEST_PROP(DecimalProperty, ParseOfArbitraryTextIsSafe, (const std::string& text)) {
  std::string error;
  const auto value = Decimal::parse(text, &error);
  if (value) {
    RC_ASSERT(Decimal::parse(value->to_string()) == value);
  } else {
    RC_ASSERT(!error.empty());
  }
}

}  // namespace
}  // namespace ledger::events
