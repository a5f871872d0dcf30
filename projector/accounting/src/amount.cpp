// Exact scale-16 arithmetic: checked int128 operations and half-to-even rounding.
#include "ledger/projector/accounting/amount.hpp"

#include <string>

namespace ledger::projector::accounting {
namespace {

using Int = __int128;

[[noreturn]] void overflow(const char* what) {
  throw AccountingOverflow(std::string("arithmetic overflow in ") + what +
                           " (a value outside the range the ledger can hold exactly)");
}

Int abs_checked(Int value, const char* what) {
  if (value < 0) return checked_sub(0, value, what);
  return value;
}

std::string units_to_string(Int units, int scale) {
  const bool negative = units < 0;
  // Build digits from the magnitude; the minimum int128 cannot occur (checked ops prevent it).
  Int magnitude = negative ? -units : units;
  std::string digits;
  while (magnitude > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  const auto scale_size = static_cast<std::size_t>(scale);
  if (digits.size() <= scale_size) digits.insert(0, scale_size + 1 - digits.size(), '0');
  std::string integer = digits.substr(0, digits.size() - scale_size);
  std::string fraction = digits.substr(digits.size() - scale_size);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  std::string text = negative ? "-" + integer : integer;
  if (!fraction.empty()) text += "." + fraction;
  return text;
}

}  // namespace

Int checked_add(Int a, Int b, const char* what) {
  Int result = 0;
  if (__builtin_add_overflow(a, b, &result)) overflow(what);
  return result;
}

Int checked_sub(Int a, Int b, const char* what) {
  Int result = 0;
  if (__builtin_sub_overflow(a, b, &result)) overflow(what);
  return result;
}

Int checked_mul(Int a, Int b, const char* what) {
  Int result = 0;
  if (__builtin_mul_overflow(a, b, &result)) overflow(what);
  return result;
}

// a * num / den = q * num + (r * num) / den with a = q * den + r, worked on magnitudes so
// that (r * num) stays below den * num; the final remainder decides the half-even rounding.
Int mul_div_half_even(Int a, Int num, Int den, const char* what) {
  if (den <= 0) overflow(what);
  const bool negative = (a < 0) != (num < 0);
  const Int a_abs = abs_checked(a, what);
  const Int num_abs = abs_checked(num, what);
  const Int whole = checked_mul(a_abs / den, num_abs, what);
  const Int part = checked_mul(a_abs % den, num_abs, what);
  Int result = checked_add(whole, part / den, what);
  const Int remainder = part % den;
  const Int rest = den - remainder;  // > 0
  if (remainder > rest || (remainder == rest && result % 2 != 0)) {
    result = checked_add(result, 1, what);
  }
  return negative ? -result : result;
}

Amount Amount::product(Decimal quantity, Decimal price) {
  return Amount(checked_mul(quantity.units(), price.units(), "quantity x price"));
}

Decimal Amount::to_decimal() const { return divide_to_decimal(*this, 1); }

Decimal divide_to_decimal(Amount value, Int divisor) {
  const Int units =
      mul_div_half_even(value.units(), 1, checked_mul(divisor, Amount::kPerDecimalUnit, "division"),
                        "rounding to 8 digits");
  constexpr Int kLimit = static_cast<Int>(100'000'000'000'000'000LL) * 10'000'000;  // 10^24
  if (units >= kLimit || units <= -kLimit) {
    throw AccountingOverflow("value " + value.to_string() + " / " + units_to_string(divisor, 0) +
                             " does not fit NUMERIC(24,8)");
  }
  return Decimal::from_units(units);
}

std::optional<Amount> Amount::parse(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const auto point = text.find('.');
  const std::string_view integer = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (integer.empty() || (point != std::string_view::npos && fraction.empty()) ||
      fraction.size() > static_cast<std::size_t>(kScale)) {
    return std::nullopt;
  }
  Int units = 0;
  auto accumulate = [&units](std::string_view digits) {
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      if (__builtin_mul_overflow(units, 10, &units) ||
          __builtin_add_overflow(units, c - '0', &units)) {
        return false;
      }
    }
    return true;
  };
  if (!accumulate(integer) || !accumulate(fraction)) return std::nullopt;
  for (std::size_t i = fraction.size(); i < static_cast<std::size_t>(kScale); ++i) {
    if (__builtin_mul_overflow(units, 10, &units)) return std::nullopt;
  }
  return Amount(negative ? -units : units);
}

std::string Amount::to_string() const { return units_to_string(units_, kScale); }

Amount proportion(Amount amount, Decimal num, Decimal den) {
  return Amount::from_units(
      mul_div_half_even(amount.units(), num.units(), den.units(), "proportional cost"));
}

Decimal average_price(Amount value, Decimal quantity) {
  // value (10^-16) / quantity (10^-8) = price in 10^-8 units: one half-even rounding.
  const Int sign = quantity.units() < 0 ? -1 : 1;
  const Int units =
      mul_div_half_even(value.units(), sign, quantity.units() * sign, "average price");
  return Amount::from_units(checked_mul(units, Amount::kPerDecimalUnit, "average price"))
      .to_decimal();
}

Decimal add(Decimal a, Decimal b) {
  auto result = Decimal::checked_add(a, b);
  if (!result) overflow("decimal addition");
  return *result;
}

Decimal sub(Decimal a, Decimal b) {
  auto result = Decimal::checked_sub(a, b);
  if (!result) overflow("decimal subtraction");
  return *result;
}

}  // namespace ledger::projector::accounting
