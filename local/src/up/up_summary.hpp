// Internal to `ledger up`: the live summary, read from the projected tables and the metrics.
// Positions and P&L come from the accounting tables (positions) when the schema has them; until
// then those columns are left out. Not thread-safe: one owner.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/projector/metrics/projector_metrics.hpp"

namespace ledger::local::up {

struct AgentLine {
  std::string agent_id;
  std::string llm_model;
  std::int64_t decisions = 0;
  std::int64_t holds = 0;
  std::int64_t orders = 0;
  std::int64_t fills = 0;
  std::optional<std::int64_t> open_positions;  // when the positions table exists
  std::optional<std::string> pnl;              // realized + unrealized, when available
};

struct SummarySnapshot {
  double events_per_s = 0;
  std::int64_t lag_events = 0;
  std::uint64_t projected = 0;
  std::uint64_t rejected = 0;
  bool ready = false;
  std::vector<AgentLine> agents;
  std::string note;  // e.g. "database unavailable: ..."
};

class Summary {
 public:
  Summary(std::string db_uri, std::string schema);
  ~Summary();
  // Reads the tables (bounded: at most 12 agents) and the metric totals.
  SummarySnapshot take(const projector::ProjectorMetrics& metrics);
  // The table for a terminal (lines end with '\n').
  static std::string render_table(const SummarySnapshot& snapshot);
  // One plain line for logs and pipes.
  static std::string render_line(const SummarySnapshot& snapshot);

 private:
  void read_agents(SummarySnapshot& snapshot);
  std::string db_uri_;
  std::string schema_;
  struct Db;
  std::unique_ptr<Db> db_;
  std::uint64_t last_projected_ = 0;
  std::int64_t last_ms_ = 0;
};

}  // namespace ledger::local::up
