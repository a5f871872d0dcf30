// OfflineDetector: decides from event times (never the wall clock) that an agent went offline:
// the gap between two consecutive heartbeats of the agent exceeded a threshold.
//
// Owns: the time of one agent's latest heartbeat. Promises: deterministic; one
// agent_offline DerivedEvent per gap longer than offline_after_us, dated at the moment the
// agent was due (previous heartbeat + threshold), reported when the next heartbeat shows the
// gap. A heartbeat dated before the latest one (agent clock went back) reports nothing and
// does not move the latest time back. Thread safety: a value type; not thread-safe.
// Needs: the agent's heartbeats in log order; offline_after_us > 0.
#pragma once

#include <optional>
#include <string>

#include "ledger/projector/accounting/derived_event.hpp"
#include "ledger/projector/accounting/result.hpp"

namespace ledger::projector::accounting {

class OfflineDetector {
 public:
  OfflineDetector(std::string agent_id, TimeUs offline_after_us,
                  std::optional<TimeUs> last_heartbeat_at_us = std::nullopt);

  // Records a heartbeat at `at_us`; returns agent_offline when it ends a gap longer than the
  // threshold (a gap exactly equal to it is not offline).
  std::optional<DerivedEvent> observe_heartbeat(TimeUs at_us);

  const std::string& agent_id() const { return agent_id_; }
  std::optional<TimeUs> last_heartbeat_at_us() const { return last_at_us_; }
  TimeUs offline_after_us() const { return offline_after_us_; }

  friend bool operator==(const OfflineDetector&, const OfflineDetector&) = default;

 private:
  std::string agent_id_;
  TimeUs offline_after_us_;
  std::optional<TimeUs> last_at_us_;
};

}  // namespace ledger::projector::accounting
