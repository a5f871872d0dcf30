// Stateless rules of the ledger.v1 contract, one function per payload.
//
// Reasons used (consistently, so tools and people can match them):
//   "is required"                          empty text / unset message
//   "must be set (not X_UNSPECIFIED)"      enum left at its zero value
//   "unknown value N"                      enum number this build does not know
//   "must be a UUID (8-4-4-4-12 hex)"      malformed id
//   "must be at most N characters"         text too long
//   "must be greater than 0", "must be at least 0", "must be within 0..1", "must not be zero"
//   Decimal::parse's own reason            e.g. `not a decimal number: "abc"`
//   "must not contain NUL bytes"           any text field, anywhere in the event (PostgreSQL
//                                          text cannot hold them)
#include "ledger/events/validation.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ledger/events/decimal.hpp"
#include "ledger/events/uuid.hpp"
#include "nul_bytes.hpp"

namespace ledger::events {
namespace {

using ledger::v1::Event;

constexpr std::size_t kAgentIdCharsMax = 100;
constexpr std::int64_t kTimestampSecondsMin = -62'135'596'800;  // 0001-01-01T00:00:00Z
constexpr std::int64_t kTimestampSecondsMax = 253'402'300'799;  // 9999-12-31T23:59:59Z

// A bound on a decimal value, inclusive or exclusive at each end.
struct Range {
  std::optional<Decimal> min;
  bool min_inclusive = true;
  std::optional<Decimal> max;
  bool max_inclusive = true;
  const char* reason;  // what is said when the value is out of range
};

const Decimal kZero{};
const Decimal kOneValue = Decimal::from_int(1);
const Decimal kHundred = Decimal::from_int(100);
const Decimal kThousand = Decimal::from_int(1000);

const Range kPositive{kZero, false, std::nullopt, true, "must be greater than 0"};
const Range kNonNegative{kZero, true, std::nullopt, true, "must be at least 0"};
const Range kUnit{kZero, true, kOneValue, true, "must be within 0..1"};
const Range kPercent{kZero, true, kHundred, true, "must be within 0..100"};
const Range kPositivePercent{kZero, false, kHundred, true,
                             "must be greater than 0 and at most 100"};
const Range kTakeProfitPercent{kZero, true, kThousand, true, "must be within 0..1000"};
const Range kAny{std::nullopt, true, std::nullopt, true, ""};

bool in_range(Decimal value, const Range& range) {
  if (range.min && (range.min_inclusive ? value < *range.min : value <= *range.min)) return false;
  if (range.max && (range.max_inclusive ? value > *range.max : value >= *range.max)) return false;
  return true;
}

// Checks decimal text against `range`: sets `reason` (left empty when the text is acceptable)
// and returns the value when the text parsed. Allocates nothing for acceptable text.
std::optional<Decimal> check_decimal(std::string_view text, bool required, const Range& range,
                                     std::string& reason) {
  if (text.empty()) {
    if (required) reason = "is required";
    return std::nullopt;
  }
  const std::optional<Decimal> value = Decimal::parse(text, &reason);
  if (value && !in_range(*value, range)) reason = range.reason;
  return value;
}

// Collects the problems of one payload under a path prefix ("order_filled.").
class Checker {
 public:
  Checker(std::vector<FieldError>& errors, std::string_view prefix)
      : errors_(errors), prefix_(prefix) {}

  void add(std::string_view field, std::string reason) {
    std::string path(prefix_);
    if (!path.empty() && !field.empty()) path.push_back('.');
    path.append(field);
    errors_.push_back(FieldError{std::move(path), std::move(reason)});
  }

  void required(std::string_view field, const std::string& value) {
    if (value.empty()) add(field, "is required");
  }

  // An enum field: set, and a value this build knows.
  template <typename Enum>
  void enum_set(std::string_view field, Enum value,
                const google::protobuf::EnumDescriptor* descriptor) {
    const int number = static_cast<int>(value);
    if (number == 0) {
      add(field, "must be set (not " + descriptor->FindValueByNumber(0)->name() + ")");
    } else if (descriptor->FindValueByNumber(number) == nullptr) {
      add(field, "unknown value " + std::to_string(number));
    }
  }

  // A decimal field; `required` false means empty text is allowed. Returns the value when it
  // parsed (in range or not), so callers can apply further rules.
  std::optional<Decimal> decimal(std::string_view field, std::string_view text, bool required,
                                 const Range& range) {
    std::string reason;
    const std::optional<Decimal> value = check_decimal(text, required, range, reason);
    if (!reason.empty()) add(field, std::move(reason));
    return value;
  }

  void uint_within(std::string_view field, std::uint32_t value, std::uint32_t min,
                   std::uint32_t max) {
    if (value < min || value > max) {
      add(field, "must be within " + std::to_string(min) + ".." + std::to_string(max));
    }
  }

 private:
  std::vector<FieldError>& errors_;
  std::string_view prefix_;
};

void check_envelope(const Event& event, std::vector<FieldError>& errors) {
  Checker c(errors, "");
  if (event.event_id().empty()) {
    c.add("event_id", "is required");
  } else if (!is_uuid(event.event_id())) {
    c.add("event_id", "must be a UUID (8-4-4-4-12 hex)");
  }
  c.required("agent_id", event.agent_id());
  if (event.agent_id().size() > kAgentIdCharsMax) {
    c.add("agent_id", "must be at most " + std::to_string(kAgentIdCharsMax) + " characters");
  }
  if (!event.has_occurred_at()) {
    c.add("occurred_at", "is required");
  } else {
    const auto& ts = event.occurred_at();
    if (ts.seconds() < kTimestampSecondsMin || ts.seconds() > kTimestampSecondsMax ||
        ts.nanos() < 0 || ts.nanos() > 999'999'999) {
      c.add("occurred_at", "must be a valid time between years 0001 and 9999");
    }
  }
}

void check(const ledger::v1::AgentRegistered& p, Checker& c) {
  c.required("name", p.name());
  c.required("llm_model", p.llm_model());
  c.decimal("initial_balance", p.initial_balance(), true, kNonNegative);
  c.decimal("max_position_size_pct", p.max_position_size_pct(), true, kPositivePercent);
  c.uint_within("max_leverage", p.max_leverage(), 1, 100);
  c.decimal("stop_loss_pct", p.stop_loss_pct(), true, kPercent);
  c.decimal("take_profit_pct", p.take_profit_pct(), true, kTakeProfitPercent);
}

void check(const ledger::v1::AgentStatusChanged& p, Checker& c) {
  c.enum_set("status", p.status(), ledger::v1::AgentStatusChanged::Status_descriptor());
}

void check(const ledger::v1::DecisionMade& p, Checker& c) {
  using D = ledger::v1::DecisionMade;
  c.required("decision_id", p.decision_id());
  c.enum_set("action", p.action(), D::Action_descriptor());
  c.enum_set("status", p.status(), D::Status_descriptor());
  if (p.action() != D::HOLD) c.required("symbol", p.symbol());
  c.decimal("size_usd", p.size_usd(), true, kNonNegative);
  if (p.leverage() < 1) c.add("leverage", "must be at least 1");
  c.decimal("stop_loss_price", p.stop_loss_price(), false, kNonNegative);
  c.decimal("take_profit_price", p.take_profit_price(), false, kNonNegative);
  c.decimal("confidence", p.confidence(), true, kUnit);
  if ((p.status() == D::FAILED || p.status() == D::PARSING_ERROR) && p.error_message().empty()) {
    c.add("error_message", "is required when status is " + D::Status_Name(p.status()));
  }
}

void check(const ledger::v1::SignalEmitted& p, Checker& c) {
  c.required("signal_id", p.signal_id());
  c.required("symbol", p.symbol());
  c.enum_set("signal_type", p.signal_type(), ledger::v1::SignalEmitted::SignalType_descriptor());
  c.decimal("strength", p.strength(), true, kUnit);
  c.decimal("confidence", p.confidence(), false, kUnit);
  c.decimal("price", p.price(), false, kPositive);
}

void check(const ledger::v1::OrderPlaced& p, Checker& c) {
  using O = ledger::v1::OrderPlaced;
  c.required("order_id", p.order_id());
  c.required("symbol", p.symbol());
  c.enum_set("side", p.side(), O::Side_descriptor());
  c.enum_set("order_type", p.order_type(), O::OrderType_descriptor());
  c.decimal("quantity", p.quantity(), true, kPositive);
  const bool needs_price = p.order_type() == O::LIMIT || p.order_type() == O::STOP_LIMIT;
  const bool needs_stop = p.order_type() == O::STOP || p.order_type() == O::STOP_LIMIT;
  if (needs_price && p.price().empty()) {
    c.add("price", "is required for " + O::OrderType_Name(p.order_type()) + " orders");
  } else {
    c.decimal("price", p.price(), false, kPositive);
  }
  if (needs_stop && p.stop_price().empty()) {
    c.add("stop_price", "is required for " + O::OrderType_Name(p.order_type()) + " orders");
  } else {
    c.decimal("stop_price", p.stop_price(), false, kPositive);
  }
}

void check(const ledger::v1::OrderFilled& p, Checker& c) {
  c.required("order_id", p.order_id());
  c.required("fill_id", p.fill_id());
  c.decimal("price", p.price(), true, kPositive);
  c.decimal("quantity", p.quantity(), true, kPositive);
  c.decimal("fee", p.fee(), false, kAny);  // a rebate is a negative fee
  const int liquidity = static_cast<int>(p.liquidity());
  if (liquidity != 0 &&
      ledger::v1::OrderFilled::Liquidity_descriptor()->FindValueByNumber(liquidity) == nullptr) {
    c.add("liquidity", "unknown value " + std::to_string(liquidity));
  }
}

void check(const ledger::v1::AgentHeartbeat& p, Checker& c) {
  c.enum_set("status", p.status(), ledger::v1::AgentHeartbeat::Status_descriptor());
  c.decimal("health_score", p.health_score(), false, kUnit);
  // Map order is unspecified: when some mark is wrong, report them sorted by symbol so errors
  // are deterministic. Valid marks (the common case) cost no allocation.
  std::string reason;
  bool marks_valid = true;
  for (const auto& [symbol, price] : p.marks()) {
    check_decimal(price, true, kPositive, reason);
    marks_valid = marks_valid && !symbol.empty() && reason.empty();
  }
  if (marks_valid) return;
  std::vector<std::pair<std::string_view, std::string_view>> marks;
  marks.reserve(p.marks().size());
  for (const auto& [symbol, price] : p.marks()) marks.emplace_back(symbol, price);
  std::sort(marks.begin(), marks.end());
  for (const auto& [symbol, price] : marks) {
    const std::string field = "marks[" + std::string(symbol) + "]";
    if (symbol.empty()) c.add(field, "symbol must not be empty");
    c.decimal(field, price, true, kPositive);
  }
}

void check(const ledger::v1::BalanceAdjusted& p, Checker& c) {
  const auto amount = c.decimal("amount", p.amount(), true, kAny);
  if (amount && amount->is_zero()) c.add("amount", "must not be zero");
  c.enum_set("reason", p.reason(), ledger::v1::BalanceAdjusted::Reason_descriptor());
}

void check(const ledger::v1::SystemEventReported& p, Checker& c) {
  c.required("event_type", p.event_type());
  c.enum_set("severity", p.severity(), ledger::v1::SystemEventReported::Severity_descriptor());
  c.required("message", p.message());
}

// order_accepted, order_canceled, order_rejected, order_expired: the order they are about.
template <typename OrderUpdate>
void check_order_update(const OrderUpdate& p, Checker& c) {
  c.required("order_id", p.order_id());
}

void check_payload(const Event& event, std::vector<FieldError>& errors) {
  using Case = Event::PayloadCase;
  switch (event.payload_case()) {
    case Case::kAgentRegistered: {
      Checker c(errors, "agent_registered");
      return check(event.agent_registered(), c);
    }
    case Case::kAgentStatusChanged: {
      Checker c(errors, "agent_status_changed");
      return check(event.agent_status_changed(), c);
    }
    case Case::kDecisionMade: {
      Checker c(errors, "decision_made");
      return check(event.decision_made(), c);
    }
    case Case::kSignalEmitted: {
      Checker c(errors, "signal_emitted");
      return check(event.signal_emitted(), c);
    }
    case Case::kOrderPlaced: {
      Checker c(errors, "order_placed");
      return check(event.order_placed(), c);
    }
    case Case::kOrderAccepted: {
      Checker c(errors, "order_accepted");
      return check_order_update(event.order_accepted(), c);
    }
    case Case::kOrderCanceled: {
      Checker c(errors, "order_canceled");
      return check_order_update(event.order_canceled(), c);
    }
    case Case::kOrderRejected: {
      Checker c(errors, "order_rejected");
      return check_order_update(event.order_rejected(), c);
    }
    case Case::kOrderExpired: {
      Checker c(errors, "order_expired");
      return check_order_update(event.order_expired(), c);
    }
    case Case::kOrderFilled: {
      Checker c(errors, "order_filled");
      return check(event.order_filled(), c);
    }
    case Case::kAgentHeartbeat: {
      Checker c(errors, "agent_heartbeat");
      return check(event.agent_heartbeat(), c);
    }
    case Case::kBalanceAdjusted: {
      Checker c(errors, "balance_adjusted");
      return check(event.balance_adjusted(), c);
    }
    case Case::kSystemEventReported: {
      Checker c(errors, "system_event_reported");
      return check(event.system_event_reported(), c);
    }
    case Case::PAYLOAD_NOT_SET:
      errors.push_back(FieldError{"payload", "no payload set"});
      return;
  }
  errors.push_back(FieldError{"payload", "unknown payload case"});
}

}  // namespace

std::vector<FieldError> validate(const Event& event) {
  std::vector<FieldError> errors;
  check_envelope(event, errors);
  check_payload(event, errors);
  detail::check_no_nul_bytes(event, "", errors);
  return errors;
}

bool has_unknown_payload(const Event& event) {
  return event.payload_case() == Event::PAYLOAD_NOT_SET &&
         !event.GetReflection()->GetUnknownFields(event).empty();
}

}  // namespace ledger::events
