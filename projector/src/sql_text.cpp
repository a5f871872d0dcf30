#include "ledger/projector/sql_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace ledger::projector {
namespace {

// Howard Hinnant's civil_from_days: days since 1970-01-01 -> (year, month, day).
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

std::string timestamp_text(std::int64_t micros) {
  constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
  const std::int64_t days = floor_div(micros, kMicrosPerDay);
  std::int64_t in_day = micros - days * kMicrosPerDay;
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  const std::int64_t fraction = in_day % 1'000'000;
  in_day /= 1'000'000;
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}+00", year, month, day,
                     in_day / 3600, (in_day / 60) % 60, in_day % 60, fraction);
}

std::string bytea_text(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 + bytes.size() * 2);
  out.append("\\x");
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0f]);
  }
  return out;
}

std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out.push_back(',');
    out.push_back('"');
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::string int_array(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out.push_back(',');
    out.append(std::to_string(values[i]));
  }
  out.push_back('}');
  return out;
}

namespace {

// google.protobuf.Value -> JSON as protobuf's JSON printer writes it (integral numbers without a
// fraction), built directly: the reflection-based printer cost ~10 us per Struct, a third of a
// rebuild's time for signals. Returns false for NaN or infinity, which JSON cannot hold.
bool value_json(const google::protobuf::Value& value, nlohmann::json& out);

bool struct_fields_json(const google::protobuf::Struct& value, nlohmann::json& out) {
  out = nlohmann::json::object();
  for (const auto& [key, field] : value.fields()) {
    if (!value_json(field, out[key])) return false;
  }
  return true;
}

bool value_json(const google::protobuf::Value& value, nlohmann::json& out) {
  using google::protobuf::Value;
  switch (value.kind_case()) {
    case Value::kNumberValue: {
      const double number = value.number_value();
      if (!std::isfinite(number)) return false;
      constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
      if (std::trunc(number) == number && std::fabs(number) < kExactIntegers) {
        out = static_cast<std::int64_t>(number);
      } else {
        out = number;
      }
      return true;
    }
    case Value::kStringValue:
      out = value.string_value();
      return true;
    case Value::kBoolValue:
      out = value.bool_value();
      return true;
    case Value::kStructValue:
      return struct_fields_json(value.struct_value(), out);
    case Value::kListValue:
      out = nlohmann::json::array();
      for (const Value& item : value.list_value().values()) {
        out.push_back(nullptr);
        if (!value_json(item, out.back())) return false;
      }
      return true;
    case Value::kNullValue:
    case Value::KIND_NOT_SET:
      out = nullptr;
      return true;
  }
  out = nullptr;
  return true;
}

}  // namespace

std::string struct_json(const google::protobuf::Struct& value) {
  if (value.fields().empty()) return "{}";
  nlohmann::json json;
  if (!struct_fields_json(value, json)) return "{}";
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> decimal_text(const std::string& wire) {
  if (wire.empty()) return std::nullopt;
  const std::optional<events::Decimal> value = events::Decimal::parse(wire);
  if (!value) return std::nullopt;
  return value->to_string();
}

}  // namespace ledger::projector
