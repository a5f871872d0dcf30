// Books: the accounting step of the projector (positions, position changes, round trips, the
// equity curve, performance per agent and per strategy, derived position and offline events),
// plugged into every batch's transaction as a ProjectionExtension over projector/accounting/.
//
// Owns: per agent one PositionBook, one PerformanceTracker (plus one per strategy) and one
// OfflineDetector, restored at the start of each batch from the exact JSON in
// accounting_state for the agents the batch touches, folded over the batch's projected events
// in log order, and written back (with the rows they produced) in the batch's transaction.
// Tables: schema/migrations/0150_books.sql.
// Promises: deterministic. Every row is a pure function of the agent's events (event times,
// never the wall clock), so a replay gives identical rows, and however the log is cut into
// batches the tables are the same (no state survives a batch except what is committed with
// it: an aborted or fenced batch leaves nothing behind). The extension never rejects an event:
// a fill, mark or adjustment the accounting refuses (overflow) changes no book and is recorded
// as a derived system event "accounting_error".
// Needs: the same ExtensionOptions in the live projector and in replay (the offline threshold
// decides which agent_offline events exist). One thread per extension (a Projector's).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ledger/projector/extension.hpp"

namespace CLI {
class App;
}

namespace ledger::projector {

// Options of the standard extensions. Plain data.
struct ExtensionOptions {
  // An agent is offline when the gap between two of its heartbeats (event times) is longer
  // than this (--offline-after-s), default 120 s. The agent_offline event is dated at the
  // earlier heartbeat + this threshold.
  std::int64_t offline_after_s = 120;
  // Volatility, Sharpe and Sortino need this many daily returns, the annualized return this many
  // days of history (--min-daily-returns); below it they are NULL. Default 30.
  std::uint64_t min_daily_returns = 30;
  // Daily returns per year for annualising (--periods-per-year): 365 (default) or 252.
  double periods_per_year = 365;
};

// Adds --offline-after-s, --min-daily-returns and --periods-per-year to a command.
void add_extension_options(CLI::App& command, ExtensionOptions& options);

// The accounting extension ("books").
std::unique_ptr<ProjectionExtension> make_books_extension(const ExtensionOptions& options);

// Every projection beyond the projector's core, in the order they run. Each place that builds
// a Projector or a replay (ledger project, ledger replay, ledger up) registers exactly these,
// so a live run and its rebuild fill the same tables.
std::vector<std::unique_ptr<ProjectionExtension>> make_standard_extensions(
    const ExtensionOptions& options = {});

}  // namespace ledger::projector
