// Test support: scenario lines to accounting inputs, accounting rows to JSON for comparison.
#pragma once

#include <nlohmann/json.hpp>

#include "ledger/projector/accounting/performance.hpp"
#include "ledger/projector/accounting/position_book.hpp"

namespace ledger::projector::accounting {

Decimal decimal(const nlohmann::json& text);  // ADD_FAILURE and 0 on bad text
TimeUs time_us(const nlohmann::json& line);   // "t" seconds -> microseconds
Fill fill_from_json(const nlohmann::json& line);
AdjustmentReason adjustment_reason(const nlohmann::json& text);

nlohmann::json position_to_json(const Position& position);
nlohmann::json round_trip_to_json(const RoundTrip& trip);
nlohmann::json snapshot_to_json(const EquitySnapshot& snapshot);
nlohmann::json summary_to_json(const PerformanceSummary& summary);

// Every key of `expected` except op/agent/symbol/index/strategy must match `actual`: decimal
// strings exactly (as numbers), numbers to 1e-9, null as null, arrays and booleans equal.
void expect_fields(const nlohmann::json& expected, const nlohmann::json& actual);

}  // namespace ledger::projector::accounting
