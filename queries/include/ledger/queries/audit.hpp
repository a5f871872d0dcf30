// Audit trails (`ledger audit`): everything the ledger knows about one decision, and one
// agent's decision history with outcomes, read in one ReadOnlySession (one snapshot).
//
// audit_decision: the decision (action, confidence, reasoning; prompt and LLM response only when
// asked), the orders it caused, their state changes and fills, events refused on its behalf
// (rejects naming the decision or one of its orders), every event of its correlation from the
// archive, and the position changes and P&L it realized when the accounting tables are there.
// Every event row carries its Kafka partition and offset.
// audit_agent: the agent's registration and status, then one row per decision in the time range
// with its outcome (orders, their final states, filled quantity, fees, realized P&L when known).
//
// Thread-compatible: one session per call.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ledger/queries/read_only.hpp"
#include "ledger/queries/result_table.hpp"

namespace ledger::queries {

struct AuditSection {
  std::string key;      // JSON key, e.g. "orders"
  std::string title;    // heading for the text output
  bool single = false;  // one record: printed as "column: value" lines
  ResultTable table;
};

struct AuditReport {
  bool found = false;  // the decision / agent exists
  std::vector<AuditSection> sections;
};

struct AgentAuditOptions {
  std::optional<std::string> since;  // timestamptz text (already resolved), inclusive
  std::optional<std::string> until;  // exclusive
  std::int64_t limit = 1000;         // decisions at most, 0: no limit
};

// REQUIRES: decision_id is a UUID (checked: std::invalid_argument otherwise).
AuditReport audit_decision(ReadOnlySession& session, const std::string& decision_id,
                           bool show_prompt);
AuditReport audit_agent(ReadOnlySession& session, const std::string& agent_id,
                        const AgentAuditOptions& options);

// Text: each section's title, then its rows (a single record as "column: value" lines).
// JSON: one object, a key per section (an object for single sections, else an array).
// CSV: sections separated by a "# title" line.
void write_audit(const AuditReport& report, OutputFormat format, std::ostream& out);

}  // namespace ledger::queries
