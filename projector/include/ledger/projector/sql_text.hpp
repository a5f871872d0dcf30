// Text forms for PostgreSQL (COPY and parameters): timestamps, bytea, arrays, JSON of protobuf
// Structs. Internal to projector/src. Pure functions; thread-safe.
#pragma once

#include <google/protobuf/struct.pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/events/decimal.hpp"

namespace ledger::projector {

// "2026-11-23 15:33:25.123456+00" for microseconds since the Unix epoch (UTC).
std::string timestamp_text(std::int64_t micros);
// Microseconds since the epoch from PostgreSQL's "extract(epoch ...)"-free text form is not
// needed: loaders select `(extract(epoch from col)*1000000)::bigint`.

// "\x0a1b..." (bytea hex input form).
std::string bytea_text(std::string_view bytes);

// A PostgreSQL array literal {"a","b"} with quotes and backslashes escaped.
std::string text_array(const std::vector<std::string>& values);
std::string int_array(const std::vector<std::int64_t>& values);

// A JSON object for a protobuf Struct ("{}" when empty or unset).
std::string struct_json(const google::protobuf::Struct& value);

// nullopt for an empty string, else the string.
inline std::optional<std::string> nullable(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}
// A decimal wire string as canonical NUMERIC text; nullopt for empty.
std::optional<std::string> decimal_text(const std::string& wire);
inline std::string decimal_text(events::Decimal value) { return value.to_string(); }
inline std::optional<std::string> decimal_text(const std::optional<events::Decimal>& value) {
  if (!value) return std::nullopt;
  return value->to_string();
}
inline std::optional<std::string> timestamp_text(const std::optional<std::int64_t>& micros) {
  if (!micros) return std::nullopt;
  return timestamp_text(*micros);
}

}  // namespace ledger::projector
