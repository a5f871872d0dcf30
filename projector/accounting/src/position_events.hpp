// Internal: the derived system events a fill produces (position opened, closed, flipped).
#pragma once

#include <string>
#include <vector>

#include "ledger/projector/accounting/derived_event.hpp"
#include "ledger/projector/accounting/position.hpp"

namespace ledger::projector::accounting {

// Events for `effect` of `fill` on the agent's position, now `position`. Empty for
// increases and partial reductions.
std::vector<DerivedEvent> position_events(const std::string& agent_id, const Fill& fill,
                                          const FillEffect& effect, const Position& position);

}  // namespace ledger::projector::accounting
