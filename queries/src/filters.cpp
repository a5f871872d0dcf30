#include "ledger/queries/filters.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace ledger::queries {
namespace {

// Seconds per unit of a relative age, 0 when `unit` is not one.
std::int64_t unit_seconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 86'400;
    case 'w':
      return 604'800;
    default:
      return 0;
  }
}

std::string utc_text(std::chrono::system_clock::time_point time) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06}Z", tm, micros % 1'000'000);
}

}  // namespace

std::string resolve_time(std::string_view text, std::chrono::system_clock::time_point now) {
  if (text.size() < 2 || text.size() > 12) return std::string(text);
  const std::int64_t unit = unit_seconds(text.back());
  if (unit == 0) return std::string(text);
  std::int64_t count = 0;
  const auto digits = text.substr(0, text.size() - 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (ec != std::errc() || end != digits.data() + digits.size() || count < 0 ||
      count > 1'000'000'000 / unit) {
    return std::string(text);
  }
  return utc_text(now - std::chrono::seconds(count * unit));
}

bool bind_filters(const NamedQuery& query, const QueryFilters& filters,
                  std::chrono::system_clock::time_point now, BoundParams& params,
                  std::string& error) {
  params.clear();
  const std::optional<std::string> limit =
      filters.limit && *filters.limit > 0
          ? std::optional<std::string>(std::to_string(*filters.limit))
          : std::nullopt;
  if (filters.limit && *filters.limit < 0) {
    error = "--limit must be 0 (no limit) or positive";
    return false;
  }
  const auto time_of = [&](const std::optional<std::string>& value) -> std::optional<std::string> {
    if (!value) return std::nullopt;
    return resolve_time(*value, now);
  };
  const std::vector<std::pair<std::string, std::optional<std::string>>> values = {
      {"agent", filters.agent},          {"symbol", filters.symbol},
      {"strategy", filters.strategy},    {"since", time_of(filters.since)},
      {"until", time_of(filters.until)}, {"limit", limit},
      {"bucket", filters.bucket}};
  for (const auto& [name, value] : values) {
    const bool taken =
        std::find(query.params.begin(), query.params.end(), name) != query.params.end();
    if (!taken && value && name != "limit") {
      error = "query '" + query.name + "' does not take --" + name +
              " (it takes: " + fmt::format("{}", fmt::join(query.params, ", ")) + ")";
      return false;
    }
  }
  for (const std::string& name : query.params) {
    for (const auto& [known, value] : values) {
      if (known == name) params.push_back(value);
    }
  }
  return true;
}

}  // namespace ledger::queries
