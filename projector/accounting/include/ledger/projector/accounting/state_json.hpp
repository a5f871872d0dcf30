// Exact, versioned JSON form of the accounting state (PositionBook, PerformanceTracker,
// OfflineDetector).
//
// Owns: persistence of everything the shown NUMERIC(24,8) rows cannot hold (the scale-16 cost
// basis, realized P&L and fee shares, the equity curve's end-of-day points). A projector stores
// it (e.g. JSONB) in the same transaction as its offsets and, after a restart, restores state
// equal (operator==) to the one it saved, so later events give the same rows as an
// uninterrupted run. Money is written as canonical decimal strings (never JSON numbers), times
// as integer microseconds; the only doubles are statistics (max_drawdown_pct), which JSON
// round-trips exactly.
// Promises: x_from_json(x_to_json(v)) == v. Malformed input is an AccountingErrc::kInvalidState
// error naming the field, never a crash. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "ledger/projector/accounting/offline_detector.hpp"
#include "ledger/projector/accounting/performance.hpp"
#include "ledger/projector/accounting/position_book.hpp"
#include "ledger/projector/accounting/result.hpp"

namespace ledger::projector::accounting {

// Written as "version"; readers refuse other versions.
inline constexpr int kStateJsonVersion = 1;

nlohmann::json book_to_json(const PositionBook& book);
Result<PositionBook> book_from_json(const nlohmann::json& json);

nlohmann::json tracker_to_json(const PerformanceTracker& tracker);
Result<PerformanceTracker> tracker_from_json(const nlohmann::json& json);

nlohmann::json detector_to_json(const OfflineDetector& detector);
Result<OfflineDetector> detector_from_json(const nlohmann::json& json);

}  // namespace ledger::projector::accounting
