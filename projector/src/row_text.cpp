#include "ledger/projector/row_text.hpp"

#include <fmt/format.h>

#include "ledger/events/decimal.hpp"
#include "ledger/events/event_types.hpp"
#include "ledger/events/uuid.hpp"
#include "ledger/projector/sql_text.hpp"

namespace ledger::projector {

std::int64_t effective_time_us(const DecodedEvent& event) {
  // 0001-01-01 .. 9999-12-31, the range events::validate accepts.
  constexpr std::int64_t kMinUs = -62'135'596'800'000'000;
  constexpr std::int64_t kMaxUs = 253'402'300'799'000'000;
  if (event.status != DecodeStatus::kUndecodable && event.event.has_occurred_at() &&
      event.occurred_at_us >= kMinUs && event.occurred_at_us <= kMaxUs) {
    return event.occurred_at_us;
  }
  return event.record.timestamp_ms * 1000;
}

std::string event_type_text(const DecodedEvent& event) {
  if (event.status == DecodeStatus::kUndecodable) return "undecodable";
  if (event.status == DecodeStatus::kUnknownPayload) return "unknown";
  return std::string(events::payload_name(event.event.payload_case()));
}

bool has_event_text(const DecodedEvent& event) {
  return event.status != DecodeStatus::kUndecodable && event.status != DecodeStatus::kRefused &&
         event.text_storable;
}

std::optional<std::string> event_uuid(const DecodedEvent& event) {
  if (event.status == DecodeStatus::kUndecodable) return std::nullopt;
  if (!events::is_uuid(event.event.event_id())) return std::nullopt;
  return event.event.event_id();
}

std::string event_uuid_or_synthetic(const DecodedEvent& event, const std::string& topic) {
  if (std::optional<std::string> id = event_uuid(event)) return *id;
  std::uint32_t hash = 2166136261u;  // FNV-1a of the topic
  for (const char c : topic) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  const auto offset = static_cast<std::uint64_t>(event.record.offset);
  const auto partition = static_cast<std::uint32_t>(event.record.partition);
  // Version 8 (custom), variant 10: hash(32) - partition(16) - 8 + partition(12) - 8 + offset.
  return fmt::format("{:08x}-{:04x}-8{:03x}-{:04x}-{:012x}", hash, (partition >> 12) & 0xffff,
                     partition & 0xfff, 0x8000 | ((offset >> 48) & 0x3fff),
                     offset & 0xffffffffffffULL);
}

std::optional<std::string> price_or_none(const std::string& wire) {
  std::optional<std::string> text = decimal_text(wire);
  if (text && *text == "0") return std::nullopt;
  return text;
}

}  // namespace ledger::projector
