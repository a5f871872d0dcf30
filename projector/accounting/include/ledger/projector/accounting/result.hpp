// Time and error types shared by the accounting library.
//
// Owns: the time unit (TimeUs: microseconds since the Unix epoch, UTC, as in the events'
// occurred_at; never the wall clock) and Result<T>, the value-or-error every fallible
// accounting operation returns. An error always means "nothing changed".
// Values are plain data: copyable, thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace ledger::projector::accounting {

// Microseconds since 1970-01-01T00:00:00Z. Every time in this library is event time.
using TimeUs = std::int64_t;
inline constexpr TimeUs kMicrosPerSecond = 1'000'000;
inline constexpr TimeUs kMicrosPerDay = 86'400 * kMicrosPerSecond;

enum class AccountingErrc {
  kInvalidFill,        // empty symbol, price <= 0, quantity <= 0, unknown side
  kInvalidMark,        // empty symbol or mark price <= 0
  kInvalidAdjustment,  // a balance adjustment of zero or of an unknown reason
  kOverflow,           // a figure would leave the exact range or NUMERIC(24,8)
  kInvalidState,       // persisted state (state_json.hpp) that cannot be read back
};

// "invalid_fill", "invalid_mark", "invalid_adjustment", "overflow", "invalid_state": stable
// machine-readable reasons for the rejects table.
const char* to_string(AccountingErrc code);

struct AccountingError {
  AccountingErrc code = AccountingErrc::kInvalidFill;
  std::string message;  // names what is wrong and where, e.g. "fill for BTC: quantity is 0"
  friend bool operator==(const AccountingError&, const AccountingError&) = default;
};

// Either a T or an AccountingError.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}                // NOLINT: implicit by design
  Result(AccountingError error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok().
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  // REQUIRES: !ok().
  const AccountingError& error() const { return std::get<AccountingError>(state_); }

 private:
  std::variant<T, AccountingError> state_;
};

}  // namespace ledger::projector::accounting
