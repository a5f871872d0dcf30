// DerivedEvent: a system event the accounting logic derives from the log (position opened,
// closed or flipped; agent went offline). The projector writes them to system_events with
// the agent's id; they are a pure function of the events, so a replay derives the same ones.
// Values are plain data: copyable, thread-compatible.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ledger/projector/accounting/result.hpp"

namespace ledger::projector::accounting {

// Stable type strings.
inline constexpr const char* kPositionOpened = "position_opened";
inline constexpr const char* kPositionClosed = "position_closed";
inline constexpr const char* kPositionFlipped = "position_flipped";
inline constexpr const char* kAgentOffline = "agent_offline";
inline constexpr const char* kAccountingComponent = "accounting";

enum class Severity { kInfo, kWarning, kError, kCritical };
// "info", "warning", "error", "critical" (as in SystemEventReported).
const char* to_string(Severity severity);

struct DerivedEvent {
  std::string type;  // one of the k* type strings above
  Severity severity = Severity::kInfo;
  std::string component = kAccountingComponent;
  std::string message;                                // one line for people
  nlohmann::json details = nlohmann::json::object();  // figures as decimal strings
  TimeUs occurred_at_us = 0;                          // event time it describes
  friend bool operator==(const DerivedEvent&, const DerivedEvent&) = default;
};

}  // namespace ledger::projector::accounting
