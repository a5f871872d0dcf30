// JSON through protobuf's JSON mapping (google::protobuf::util).
#include "ledger/events/json.hpp"

#include <google/protobuf/util/json_util.h>

namespace ledger::events {

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
