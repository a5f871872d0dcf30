// Decimal: parsing without allocation, canonical printing, checked arithmetic.
#include "ledger/events/decimal.hpp"

#include <cassert>
#include <cstddef>
#include <string>

namespace ledger::events {
namespace {

using Units = Decimal::Units;
using UUnits = unsigned __int128;

// 10^24: the first magnitude NUMERIC(24,8) cannot hold, in units of 10^-8.
constexpr Units kLimitUnits = static_cast<Units>(10'000'000'000'000'000) * 100'000'000;
constexpr int kDigitsMax = Decimal::kScale + Decimal::kIntegerDigits;  // 24
// Exponents beyond this magnitude are saturated: they cannot change the outcome for text of any
// plausible length and keep the arithmetic below in range.
constexpr long long kExponentMax = 1'000'000'000;
constexpr std::size_t kQuotedTextMax = 40;

bool in_range(Units units) { return units > -kLimitUnits && units < kLimitUnits; }

Units pow10(int exponent) {
  Units result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void set_error(std::string* error, const char* reason) {
  if (error != nullptr) *error = reason;
}

void set_syntax_error(std::string* error, std::string_view text) {
  if (error == nullptr) return;
  error->assign("not a decimal number: \"");
  for (std::size_t i = 0; i < text.size() && i < kQuotedTextMax; ++i) {
    const char c = text[i];
    if (c == '"' || c == '\\') {
      error->push_back('\\');
      error->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      error->push_back('?');
    } else {
      error->push_back(c);
    }
  }
  if (text.size() > kQuotedTextMax) error->append("...");
  error->push_back('"');
}

// The syntax of a decimal: [sign] digits [. digits] [(e|E) [sign] digits], with at least one
// digit in the mantissa. Positions index into the text.
struct Parts {
  bool negative = false;
  std::size_t int_begin = 0, int_end = 0;    // integer digits
  std::size_t frac_begin = 0, frac_end = 0;  // fraction digits
  long long exponent = 0;                    // saturated at +-kExponentMax
};

std::size_t scan_digits(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  return pos;
}

bool scan_exponent(std::string_view text, std::size_t pos, long long& exponent) {
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
  const std::size_t begin = pos;
  long long value = 0;
  for (; pos < text.size() && is_digit(text[pos]); ++pos) {
    value = value * 10 + (text[pos] - '0');
    if (value > kExponentMax) value = kExponentMax;
  }
  if (pos == begin || pos != text.size()) return false;
  exponent = negative ? -value : value;
  return true;
}

bool scan(std::string_view text, Parts& parts) {
  std::size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    parts.negative = text[pos++] == '-';
  }
  parts.int_begin = pos;
  parts.int_end = pos = scan_digits(text, pos);
  parts.frac_begin = parts.frac_end = pos;
  if (pos < text.size() && text[pos] == '.') {
    parts.frac_begin = pos + 1;
    parts.frac_end = pos = scan_digits(text, pos + 1);
  }
  const std::size_t mantissa_digits =
      (parts.int_end - parts.int_begin) + (parts.frac_end - parts.frac_begin);
  if (mantissa_digits == 0) return false;
  if (pos == text.size()) return true;
  if (text[pos] != 'e' && text[pos] != 'E') return false;
  return scan_exponent(text, pos + 1, parts.exponent);
}

// The mantissa's digits as one sequence (integer digits then fraction digits), addressed by
// index without copying.
struct Digits {
  std::string_view text;
  const Parts& parts;
  std::size_t int_count() const { return parts.int_end - parts.int_begin; }
  std::size_t size() const { return int_count() + (parts.frac_end - parts.frac_begin); }
  char at(std::size_t i) const {
    return i < int_count() ? text[parts.int_begin + i] : text[parts.frac_begin + i - int_count()];
  }
};

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view text, std::string* error) {
  Parts parts;
  if (!scan(text, parts)) {
    set_syntax_error(error, text);
    return std::nullopt;
  }
  const Digits digits{text, parts};
  std::size_t first = 0;
  std::size_t last = digits.size();  // one past the last significant digit
  while (first < last && digits.at(first) == '0') ++first;
  if (first == last) return Decimal{};  // zero, "-0" included
  // value = digits[first, last) * 10^shift units, where shift counts the 8 scale digits.
  long long shift =
      kScale + parts.exponent - static_cast<long long>(digits.size() - digits.int_count());
  while (shift < 0 && digits.at(last - 1) == '0') {
    --last;
    ++shift;
  }
  if (shift < 0) {
    set_error(error, "more than 8 digits after the decimal point");
    return std::nullopt;
  }
  const long long significant = static_cast<long long>(last - first);
  if (significant + shift > kDigitsMax) {
    set_error(error, "more than 16 digits before the decimal point");
    return std::nullopt;
  }
  Units units = 0;
  for (std::size_t i = first; i < last; ++i) units = units * 10 + (digits.at(i) - '0');
  units *= pow10(static_cast<int>(shift));
  return Decimal{parts.negative ? -units : units};
}

Decimal Decimal::from_units(Units units) {
  assert(in_range(units));
  return Decimal{units};
}

Decimal Decimal::from_int(std::int64_t value) {
  return from_units(static_cast<Units>(value) * kOne);
}

namespace {

// Writes the decimal digits of `value` ending just before `end`; returns the first written.
char* write_digits(UUnits value, char* end) {
  do {
    *--end = static_cast<char>('0' + static_cast<int>(value % 10));
    value /= 10;
  } while (value != 0);
  return end;
}

UUnits magnitude(Units units) {
  return units < 0 ? static_cast<UUnits>(0) - static_cast<UUnits>(units)
                   : static_cast<UUnits>(units);
}

// Text of `value` / 10^scale with exactly `scale` fraction digits (none and no point when 0).
std::string format_scaled(bool negative, UUnits value, int scale) {
  char buffer[64];
  char* const end = buffer + sizeof buffer;
  char* begin = end;
  UUnits divisor = 1;
  for (int i = 0; i < scale; ++i) divisor *= 10;
  if (scale > 0) {
    UUnits fraction = value % divisor;
    for (int i = 0; i < scale; ++i) {
      *--begin = static_cast<char>('0' + static_cast<int>(fraction % 10));
      fraction /= 10;
    }
    *--begin = '.';
  }
  begin = write_digits(value / divisor, begin);
  if (negative && value != 0) *--begin = '-';
  return std::string(begin, end);
}

}  // namespace

std::string Decimal::to_string() const {
  UUnits value = magnitude(units_);
  int scale = kScale;
  while (scale > 0 && value % 10 == 0 && value != 0) {
    value /= 10;
    --scale;
  }
  if (value == 0) scale = 0;
  return format_scaled(units_ < 0, value, scale);
}

std::string Decimal::to_fixed(int scale) const {
  if (scale < 0) scale = 0;
  if (scale > kScale) scale = kScale;
  const UUnits divisor = static_cast<UUnits>(pow10(kScale - scale));
  const UUnits value = magnitude(units_);
  UUnits rounded = value / divisor;
  if ((value % divisor) * 2 >= divisor && divisor > 1) ++rounded;
  return format_scaled(units_ < 0, rounded, scale);
}

std::optional<Decimal> Decimal::checked_add(Decimal a, Decimal b) {
  const Units sum = a.units_ + b.units_;  // |a|, |b| < 10^24: cannot overflow 128 bits
  if (!in_range(sum)) return std::nullopt;
  return Decimal{sum};
}

std::optional<Decimal> Decimal::checked_sub(Decimal a, Decimal b) {
  const Units difference = a.units_ - b.units_;
  if (!in_range(difference)) return std::nullopt;
  return Decimal{difference};
}

std::optional<Decimal> Decimal::checked_mul_exact(Decimal a, Decimal b) {
  Units product = 0;
  if (__builtin_mul_overflow(a.units_, b.units_, &product)) return std::nullopt;
  if (product % kOne != 0) return std::nullopt;
  const Units result = product / kOne;
  if (!in_range(result)) return std::nullopt;
  return Decimal{result};
}

namespace {

// numerator / denominator rounded half away from zero. REQUIRES: denominator != 0.
Units divide_rounded(Units numerator, Units denominator) {
  const bool negative = (numerator < 0) != (denominator < 0);
  const UUnits n = magnitude(numerator);
  const UUnits d = magnitude(denominator);
  UUnits q = n / d;
  if ((n % d) >= d - (n % d)) ++q;  // remainder >= half of d, without overflow
  const Units result = static_cast<Units>(q);
  return negative ? -result : result;
}

}  // namespace

std::optional<Decimal> Decimal::checked_mul_rounded(Decimal a, Decimal b) {
  Units product = 0;
  if (__builtin_mul_overflow(a.units_, b.units_, &product)) return std::nullopt;
  const Units result = divide_rounded(product, kOne);
  if (!in_range(result)) return std::nullopt;
  return Decimal{result};
}

std::optional<Decimal> Decimal::checked_div_rounded(Decimal a, Decimal b) {
  if (b.units_ == 0) return std::nullopt;
  Units scaled = 0;
  if (__builtin_mul_overflow(a.units_, kOne, &scaled)) return std::nullopt;
  const Units result = divide_rounded(scaled, b.units_);
  if (!in_range(result)) return std::nullopt;
  return Decimal{result};
}

}  // namespace ledger::events
