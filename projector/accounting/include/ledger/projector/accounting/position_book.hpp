// PositionBook: one agent's positions (symbol -> Position), cash flows and equity.
//
// Owns: applying fills, marks and balance adjustments in log order, the book-wide exact
// totals (realized P&L, fees, funding, deposits), the derived position events, and the
// equity snapshot taken at each heartbeat. Formulas: projector/accounting/README.md.
// Promises: deterministic. The state after a sequence of calls depends only on that sequence,
// never on how the caller groups it into batches, on the wall clock or on the thread. A call
// that returns an error changed nothing. Arithmetic never wraps: a figure that would leave
// the exact range or NUMERIC(24,8) is an AccountingErrc::kOverflow error.
// Thread safety: a value type; not thread-safe, callers serialize access to one book.
// Needs: calls in the order of the agent's event log (Kafka partition order).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/projector/accounting/amount.hpp"
#include "ledger/projector/accounting/derived_event.hpp"
#include "ledger/projector/accounting/position.hpp"
#include "ledger/projector/accounting/result.hpp"

namespace ledger::projector::accounting {

enum class AdjustmentReason {
  kDeposit,     // capital in (amount > 0), not P&L
  kWithdrawal,  // capital out (amount < 0), not P&L
  kFunding,     // funding payment received (> 0) or paid (< 0): P&L
};
const char* to_string(AdjustmentReason reason);  // "deposit", "withdrawal", "funding"

// Book-wide exact running totals since the book was created.
struct BookTotals {
  Amount realized_pnl_gross;  // over every position, closed or open
  Amount fees_paid;
  Amount funding;       // sum of funding adjustments
  Amount net_deposits;  // sum of deposit and withdrawal amounts (signed)
  std::uint64_t fills = 0;
  std::uint64_t round_trips = 0;
  friend bool operator==(const BookTotals&, const BookTotals&) = default;
};

// One point of the equity curve (all figures rounded half to even from exact values).
struct EquitySnapshot {
  TimeUs at_us = 0;
  Decimal capital;             // initial balance + net deposits
  Decimal cash;                // capital + funding + realized - fees - sum(cost basis)
  Decimal position_value;      // sum(quantity x mark), shorts negative
  Decimal total_value;         // equity: cash + position value
  Decimal realized_pnl_gross;  // book-wide
  Decimal fees_paid;
  Decimal realized_pnl_net;  // realized - fees
  Decimal funding;
  Decimal unrealized_pnl;          // sum(quantity x mark - cost basis)
  Decimal total_pnl;               // realized - fees + funding + unrealized
  std::optional<Decimal> roi_pct;  // total_pnl / capital x 100; nullopt when capital <= 0
  Decimal gross_exposure;          // sum(|quantity| x mark)
  Decimal margin_used;             // sum(notional / leverage) of open positions
  std::size_t open_positions = 0;
  // The exact (scale 16) total P&L and capital the shown figures were rounded from: drawdown
  // and returns are computed from these and rounded once (PositionBook::snapshot sets them;
  // absent, PerformanceTracker falls back to the shown figures).
  std::optional<Amount> total_pnl_exact;
  std::optional<Amount> capital_exact;
  friend bool operator==(const EquitySnapshot&, const EquitySnapshot&) = default;
};

// What one fill did.
struct ApplyResult {
  Position position;  // the position after the fill (the row to upsert)
  PositionChange change = PositionChange::kOpened;
  Amount realized_pnl_gross_delta;      // exact
  Amount fee;                           // exact (== the fill's fee)
  std::optional<RoundTrip> round_trip;  // closed by this fill (to flat, or at a flip)
  std::vector<DerivedEvent> events;     // position_opened / _closed / _flipped
};

class PositionBook {
 public:
  explicit PositionBook(std::string agent_id, Decimal initial_balance = Decimal());
  // Rebuilds persisted state (state_json.hpp); the map's keys must be the positions' symbols.
  static PositionBook restore(std::string agent_id, Decimal initial_balance,
                              std::map<std::string, Position> positions, BookTotals totals);

  const std::string& agent_id() const { return agent_id_; }
  Decimal initial_balance() const { return initial_balance_; }
  // AgentRegistered sent again replaces the initial balance; history is not rewritten.
  void set_initial_balance(Decimal initial_balance) { initial_balance_ = initial_balance; }

  // Errors: kInvalidFill (empty symbol, price <= 0, quantity <= 0), kOverflow.
  Result<ApplyResult> apply_fill(const Fill& fill);

  // Sets the mark of an open position. Returns the updated position, or nullopt when the
  // symbol has no open position (the mark is then ignored: the next opening fill's price is
  // its first mark). Errors: kInvalidMark (empty symbol, price <= 0), kOverflow.
  Result<std::optional<Position>> apply_mark(const std::string& symbol, Decimal price,
                                             TimeUs at_us);

  // Errors: kInvalidAdjustment (zero amount), kOverflow.
  Result<BookTotals> apply_balance_adjustment(Decimal amount, AdjustmentReason reason,
                                              TimeUs at_us);

  // The equity curve point at `at_us` (the heartbeat's time). Errors: kOverflow.
  Result<EquitySnapshot> snapshot(TimeUs at_us) const;

  // nullptr when the symbol was never traded. Valid until the next apply_* call.
  const Position* find(const std::string& symbol) const;
  const std::map<std::string, Position>& positions() const { return positions_; }
  const BookTotals& totals() const { return totals_; }

  friend bool operator==(const PositionBook&, const PositionBook&) = default;

 private:
  std::string agent_id_;
  Decimal initial_balance_;
  std::map<std::string, Position> positions_;
  BookTotals totals_;
};

}  // namespace ledger::projector::accounting
