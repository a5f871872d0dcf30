// Amount: exact money at scale 16, the internal precision of the accounting library.
//
// Owns: the arithmetic every accounting figure is built from. An Amount is an integer count of
// 10^-16 units held in a signed 128-bit integer (|value| < 1.7e22 money units), so the product
// of a quantity and a price (both Decimal, scale 8) is always exact, and sums of such products
// never drift. Shown figures (NUMERIC(24,8)) are made by to_decimal(), which rounds half to
// even; that rounding is the only place a shown money figure loses digits.
// Promises: arithmetic never wraps. Leaving the range throws AccountingOverflow (a
// std::overflow_error); PositionBook catches it at its API and reports an error instead, with
// the book unchanged. Values are plain data: copyable, thread-compatible.
#pragma once

#include <compare>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ledger/events/decimal.hpp"

namespace ledger::projector::accounting {

using ledger::events::Decimal;

// Thrown by checked arithmetic when a result leaves the int128 range or NUMERIC(24,8).
class AccountingOverflow : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

// Checked int128 helpers. Throw AccountingOverflow naming `what` on overflow.
__int128 checked_add(__int128 a, __int128 b, const char* what);
__int128 checked_sub(__int128 a, __int128 b, const char* what);
__int128 checked_mul(__int128 a, __int128 b, const char* what);

// round_half_even(a * num / den), exact (no intermediate overflow as long as the result and
// (a % den) * num fit in int128). REQUIRES: den > 0. Throws AccountingOverflow otherwise.
__int128 mul_div_half_even(__int128 a, __int128 num, __int128 den, const char* what);

class Amount {
 public:
  using Units = __int128;
  static constexpr int kScale = 16;
  static constexpr Units kOne = static_cast<Units>(10'000'000'000'000'000LL);  // 10^16
  // Scale-16 units per Decimal unit (10^8).
  static constexpr Units kPerDecimalUnit = 100'000'000;

  constexpr Amount() = default;
  static constexpr Amount from_units(Units units) { return Amount(units); }
  // Exact: a Decimal (|x| < 10^16) always fits.
  static Amount from_decimal(Decimal value) { return Amount(value.units() * kPerDecimalUnit); }
  // quantity * price, exact (scale 8 x scale 8 = scale 16). Throws on int128 overflow.
  static Amount product(Decimal quantity, Decimal price);

  constexpr Units units() const { return units_; }
  constexpr bool is_zero() const { return units_ == 0; }
  constexpr bool is_negative() const { return units_ < 0; }
  constexpr bool is_positive() const { return units_ > 0; }
  constexpr int sign() const { return units_ > 0 ? 1 : (units_ < 0 ? -1 : 0); }

  // Rounded half to even to 8 digits after the point. Throws AccountingOverflow when the
  // rounded value does not fit NUMERIC(24,8).
  Decimal to_decimal() const;
  // Parses what to_string() writes: [-]digits[.1 to 16 digits]. nullopt on anything else or
  // outside the int128 range.
  static std::optional<Amount> parse(std::string_view text);
  // Scale-16 canonical text without rounding ("-0.0000000000000001"), for messages and tests.
  std::string to_string() const;

  friend Amount operator+(Amount a, Amount b) {
    return Amount(checked_add(a.units_, b.units_, "amount addition"));
  }
  friend Amount operator-(Amount a, Amount b) {
    return Amount(checked_sub(a.units_, b.units_, "amount subtraction"));
  }
  Amount operator-() const { return Amount(checked_sub(0, units_, "amount negation")); }
  Amount& operator+=(Amount other) { return *this = *this + other; }
  Amount& operator-=(Amount other) { return *this = *this - other; }

  friend constexpr auto operator<=>(Amount a, Amount b) = default;
  friend constexpr bool operator==(Amount a, Amount b) = default;

 private:
  explicit constexpr Amount(Units units) : units_(units) {}
  Units units_ = 0;
};

// amount * num / den rounded half to even at scale 16 (e.g. the cost of closing `num` out of
// `den` units of quantity). REQUIRES: den > 0.
Amount proportion(Amount amount, Decimal num, Decimal den);

// value / quantity as a price, rounded half to even to 8 digits (an average price).
// REQUIRES: quantity != 0. Throws AccountingOverflow when the price does not fit.
Decimal average_price(Amount value, Decimal quantity);

// value / divisor rounded once, half to even, to 8 digits (e.g. an average of `divisor`
// items, or margin = notional / leverage). REQUIRES: divisor > 0. Throws AccountingOverflow
// when the result does not fit NUMERIC(24,8).
Decimal divide_to_decimal(Amount value, __int128 divisor);

// Decimal helpers that throw AccountingOverflow instead of returning nullopt.
Decimal add(Decimal a, Decimal b);
Decimal sub(Decimal a, Decimal b);

}  // namespace ledger::projector::accounting
