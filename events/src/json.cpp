// JSON through protobuf's JSON mapping (google::protobuf::util).
#include "ledger/events/json.hpp"

#include <google/protobuf/util/json_util.h>

#include <cstdint>

namespace ledger::events {
namespace {

constexpr std::int64_t kTimestampSecondsMin = -62'135'596'800;  // 0001-01-01T00:00:00Z
constexpr std::int64_t kTimestampSecondsMax = 253'402'300'799;  // 9999-12-31T23:59:59Z

// protobuf cannot print such a time and logs a warning when it tries; we report it instead.
bool printable_time(const google::protobuf::Timestamp& time) {
  return time.seconds() >= kTimestampSecondsMin && time.seconds() <= kTimestampSecondsMax &&
         time.nanos() >= 0 && time.nanos() <= 999'999'999;
}

}  // namespace

bool event_from_json(std::string_view json, ledger::v1::Event& event, std::string& error) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  event.Clear();
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &event, options);
  if (!status.ok()) {
    error = status.ToString();
    event.Clear();
    return false;
  }
  return true;
}

bool event_to_json(const ledger::v1::Event& event, std::string& json, std::string& error) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = false;
  json.clear();
  if (event.has_occurred_at() && !printable_time(event.occurred_at())) {
    error = "occurred_at: not a time JSON can carry (years 0001..9999, nanos 0..999999999)";
    return false;
  }
  const auto status = google::protobuf::util::MessageToJsonString(event, &json, options);
  if (!status.ok()) {
    error = status.ToString();
    json.clear();
    return false;
  }
  return true;
}

std::string event_to_json(const ledger::v1::Event& event) {
  std::string json;
  std::string error;
  if (!event_to_json(event, json, error)) return std::string();
  return json;
}

}  // namespace ledger::events
