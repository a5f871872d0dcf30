// Heartbeat gaps decided from event times.
#include "ledger/projector/accounting/offline_detector.hpp"

#include <utility>

namespace ledger::projector::accounting {

OfflineDetector::OfflineDetector(std::string agent_id, TimeUs offline_after_us,
                                 std::optional<TimeUs> last_heartbeat_at_us)
    : agent_id_(std::move(agent_id)),
      offline_after_us_(offline_after_us > 0 ? offline_after_us : 1),
      last_at_us_(last_heartbeat_at_us) {}

std::optional<DerivedEvent> OfflineDetector::observe_heartbeat(TimeUs at_us) {
  if (!last_at_us_) {
    last_at_us_ = at_us;
    return std::nullopt;
  }
  const TimeUs previous_us = *last_at_us_;
  if (at_us <= previous_us) return std::nullopt;
  last_at_us_ = at_us;
  // Both are event times; at_us > previous_us so the difference is positive. Saturate
  // instead of overflowing for absurd times.
  TimeUs gap_us = 0;
  if (__builtin_sub_overflow(at_us, previous_us, &gap_us)) gap_us = INT64_MAX;
  if (gap_us <= offline_after_us_) return std::nullopt;
  DerivedEvent event;
  event.type = kAgentOffline;
  event.severity = Severity::kWarning;
  event.occurred_at_us = previous_us + offline_after_us_;
  event.message = "agent " + agent_id_ + " sent no heartbeat for " +
                  std::to_string(gap_us / kMicrosPerSecond) + " s (threshold " +
                  std::to_string(offline_after_us_ / kMicrosPerSecond) + " s)";
  event.details = {{"agent_id", agent_id_},
                   {"last_heartbeat_at_us", previous_us},
                   {"next_heartbeat_at_us", at_us},
                   {"gap_us", gap_us},
                   {"offline_after_us", offline_after_us_}};
  return event;
}

}  // namespace ledger::projector::accounting
