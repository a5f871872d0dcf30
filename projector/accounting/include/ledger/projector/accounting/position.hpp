// Position and RoundTrip: netting positions with an exact average cost, for one agent and
// one symbol.
//
// Owns: the state of one position from the fill that opens it (from flat) to the fill that
// closes it (to flat) or flips it (crosses zero), and the RoundTrip that a close or flip
// produces. See projector/accounting/README.md for every formula and rounding rule.
// Promises: the open quantity is the exact sum of the signed fills since the position opened;
// the cost basis is the exact signed sum of quantity x price of the open part (scale 16), so
// nothing drifts however many fills are applied; every shown figure (Decimal) is the exact
// value rounded half to even to 8 digits. Values are plain data: copyable, thread-compatible.
// Needs: positions are changed only through PositionBook, which validates fills and keeps
// every figure representable (so the Decimal accessors below never throw for its positions).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/projector/accounting/amount.hpp"
#include "ledger/projector/accounting/result.hpp"

namespace ledger::projector::accounting {

enum class FillSide { kBuy, kSell };
enum class PositionSide { kFlat, kLong, kShort };
enum class PositionStatus { kOpen, kClosed };

const char* to_string(FillSide side);          // "buy", "sell"
const char* to_string(PositionSide side);      // "flat", "long", "short"
const char* to_string(PositionStatus status);  // "open", "closed"

// At most this many distinct decision ids and order ids are kept per position / round trip
// (in order of first appearance); ids_truncated tells when more were seen.
inline constexpr std::size_t kLineageIdsMax = 64;

// One execution, as the projector extracts it from OrderFilled + the order it fills.
struct Fill {
  std::string symbol;
  FillSide side = FillSide::kBuy;
  Decimal price;     // > 0
  Decimal quantity;  // > 0, base units
  Decimal fee;       // quote currency; negative is a rebate
  TimeUs occurred_at_us = 0;
  std::string order_id;
  std::string decision_id;     // may be empty
  std::string strategy_id;     // may be empty
  std::string fill_id;         // for messages only
  std::uint32_t leverage = 1;  // 0 is read as 1
};

// The decisions and orders a position or round trip involved, bounded by kLineageIdsMax.
// The id lists are shared between copies until one of them records a new id (copy on write),
// so copying a Position or RoundTrip is cheap however many fills it had.
class Lineage {
 public:
  Lineage() = default;
  // Rebuilds persisted state (state_json.hpp). Lists longer than kLineageIdsMax are cut.
  static Lineage restore(std::vector<std::string> decision_ids, std::vector<std::string> order_ids,
                         bool ids_truncated, std::uint64_t fill_count);

  void record(const Fill& fill);
  const std::vector<std::string>& decision_ids() const;
  const std::vector<std::string>& order_ids() const;
  bool ids_truncated() const { return ids_truncated_; }
  std::uint64_t fill_count() const { return fill_count_; }
  friend bool operator==(const Lineage& a, const Lineage& b);

 private:
  struct Ids {
    std::vector<std::string> decision_ids;
    std::vector<std::string> order_ids;
  };
  std::shared_ptr<const Ids> ids_;  // null: no ids yet
  bool ids_truncated_ = false;
  std::uint64_t fill_count_ = 0;
};

// A closed trade: flat -> flat, or up to a flip. Counts as one trade in win/loss statistics.
struct RoundTrip {
  std::uint64_t position_number = 0;  // the Position::number this trip closed
  std::string symbol;
  PositionSide side = PositionSide::kFlat;  // long or short
  std::string strategy_id;                  // of the opening fill
  std::string opening_decision_id;
  std::string opening_order_id;
  Decimal entry_quantity;  // sum of |quantity| that opened or increased the position
  Amount entry_value;      // sum of |quantity| x price of those fills (exact)
  Decimal exit_quantity;   // sum of |quantity| that reduced it (== entry_quantity)
  Amount exit_value;       // sum of |quantity| x price of those (exact)
  Decimal peak_quantity;   // largest |open quantity| reached
  TimeUs opened_at_us = 0;
  TimeUs closed_at_us = 0;
  Amount pnl_gross;  // exact realized P&L before fees
  Amount fees;       // exact fees attributed to this trade (a flip fill's fee is split)
  bool ended_by_flip = false;
  Lineage lineage;

  Decimal entry_price_average() const { return average_price(entry_value, entry_quantity); }
  Decimal exit_price_average() const { return average_price(exit_value, exit_quantity); }
  TimeUs duration_us() const { return closed_at_us - opened_at_us; }
  Amount pnl_net() const { return pnl_gross - fees; }
  friend bool operator==(const RoundTrip&, const RoundTrip&) = default;
};

// How a fill changed a position.
enum class PositionChange { kOpened, kIncreased, kReduced, kClosed, kFlipped };
const char* to_string(PositionChange change);  // "opened", "increased", ...

struct Position {
  // 1 for the first position of this (agent, symbol), 2 after it closed or flipped, ...: a
  // stable key for rows (replay gives the same numbers). 0 before the first fill.
  std::uint64_t number = 0;
  std::string symbol;
  PositionStatus status = PositionStatus::kClosed;
  Decimal quantity;           // signed: > 0 long, < 0 short, 0 flat
  Amount cost_basis;          // exact signed sum of quantity x entry price of the open part
  Amount realized_pnl_gross;  // realized since this position opened (exact)
  Amount fees_paid;           // fees since this position opened (exact; a rebate lowers it)
  Decimal mark_price;         // the latest price seen for the symbol (fill or mark)
  TimeUs marked_at_us = 0;
  std::uint32_t leverage = 1;  // of the latest fill that opened or increased the position
  TimeUs opened_at_us = 0;
  TimeUs updated_at_us = 0;
  std::optional<TimeUs> closed_at_us;
  std::string strategy_id;  // of the opening fill
  std::string opening_decision_id;
  std::string opening_order_id;
  // Round-trip bookkeeping (see RoundTrip).
  Decimal entry_quantity;
  Amount entry_value;
  Decimal exit_quantity;
  Amount exit_value;
  Decimal peak_quantity;
  Lineage lineage;

  PositionSide side() const;
  // |cost_basis| / |quantity| rounded half to even; nullopt when flat.
  std::optional<Decimal> average_entry_price() const;
  // quantity x mark - cost_basis (exact); zero when flat.
  Amount unrealized_pnl_exact() const;
  Amount realized_pnl_net_exact() const { return realized_pnl_gross - fees_paid; }
  // |quantity| x mark, exact.
  Amount notional_exact() const { return Amount::product(quantity.abs(), mark_price); }

  // Shown figures: the exact ones rounded half to even to 8 digits.
  Decimal realized_pnl_gross_shown() const { return realized_pnl_gross.to_decimal(); }
  Decimal fees_paid_shown() const { return fees_paid.to_decimal(); }
  Decimal realized_pnl_net_shown() const { return realized_pnl_net_exact().to_decimal(); }
  Decimal unrealized_pnl_shown() const { return unrealized_pnl_exact().to_decimal(); }
  Decimal notional_shown() const { return notional_exact().to_decimal(); }
  // notional / leverage, rounded half to even.
  Decimal margin_used_shown() const;

  friend bool operator==(const Position&, const Position&) = default;
};

// What one fill did to one position.
struct FillEffect {
  PositionChange change = PositionChange::kOpened;
  Amount realized_pnl_gross_delta;      // exact
  std::optional<RoundTrip> round_trip;  // set on kClosed and kFlipped
};

// Applies a valid fill (price > 0, quantity > 0) to `position`, which is replaced by a fresh
// position when it was flat. Throws AccountingOverflow (position then unspecified: callers
// work on a copy). Pure: the result depends only on the arguments.
FillEffect apply_fill_to_position(Position& position, const Fill& fill);

// Throws AccountingOverflow when a shown figure of `position` does not fit NUMERIC(24,8).
void check_representable(const Position& position);

}  // namespace ledger::projector::accounting
