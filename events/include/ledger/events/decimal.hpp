// Decimal: an exact fixed-point number for money, prices, quantities and scores.
//
// Owns: parsing decimal strings from the wire, arithmetic that never rounds silently, and the
// canonical text form written to PostgreSQL NUMERIC columns.
// Promises: a value is an integer count of 10^-8 units held in a signed 128-bit integer. Parsing
// accepts what fits NUMERIC(24,8) (at most 16 digits before the point, 8 after) and rejects
// anything else with a reason; it never rounds. Arithmetic that would leave the range returns
// an error instead of wrapping. Negative zero parses as zero. Binary floating point is never
// involved. Values are plain data: safe to copy and share between threads.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ledger::events {

class Decimal {
 public:
  using Units = __int128;
  static constexpr int kScale = 8;           // digits after the point
  static constexpr int kIntegerDigits = 16;  // digits before the point (NUMERIC(24,8))
  static constexpr Units kOne = 100'000'000;

  constexpr Decimal() = default;

  // Parses "12", "-0.5", ".5", "5.", "1.25e3", "+3.1E-2" (sign, digits with an optional point,
  // optional exponent). On failure returns nullopt and, when `error` is given, sets one of:
  //   not a decimal number: "<text, at most 40 characters quoted>"
  //   more than 8 digits after the decimal point
  //   more than 16 digits before the decimal point
  // Leading/trailing spaces, empty text, "NaN", "inf", hex and thousands separators are
  // rejected. Zeros beyond the 8th fraction digit ("1.0000000000") are accepted: they lose
  // nothing. Does not allocate except to write `error`.
  static std::optional<Decimal> parse(std::string_view text, std::string* error = nullptr);

  // From a count of 10^-8 units. REQUIRES: |units| < 10^24.
  static Decimal from_units(Units units);
  static Decimal from_int(std::int64_t value);

  // Canonical text: no exponent, no trailing zeros after the point, "0" for zero
  // ("-1.5", "0.00000001", "100").
  std::string to_string() const;
  // Fixed text with exactly `scale` digits after the point (0..8), e.g. for display.
  // Rounds half away from zero when scale < 8.
  std::string to_fixed(int scale) const;

  Units units() const { return units_; }
  bool is_zero() const { return units_ == 0; }
  bool is_negative() const { return units_ < 0; }
  bool is_positive() const { return units_ > 0; }
  Decimal abs() const { return from_units(units_ < 0 ? -units_ : units_); }
  Decimal operator-() const { return from_units(-units_); }

  // Checked arithmetic: nullopt when the result leaves NUMERIC(24,8) or (for mul/div) would
  // need more than 8 digits after the point to be exact.
  static std::optional<Decimal> checked_add(Decimal a, Decimal b);
  static std::optional<Decimal> checked_sub(Decimal a, Decimal b);
  static std::optional<Decimal> checked_mul_exact(Decimal a, Decimal b);
  // Product and quotient rounded half away from zero to 8 digits after the point (for notional
  // values and averages, where exactness is impossible). nullopt when the result leaves
  // NUMERIC(24,8) or, for division, when `b` is zero.
  static std::optional<Decimal> checked_mul_rounded(Decimal a, Decimal b);
  static std::optional<Decimal> checked_div_rounded(Decimal a, Decimal b);

  friend constexpr auto operator<=>(Decimal a, Decimal b) = default;
  friend constexpr bool operator==(Decimal a, Decimal b) = default;

 private:
  explicit constexpr Decimal(Units units) : units_(units) {}
  Units units_ = 0;
};

}  // namespace ledger::events
