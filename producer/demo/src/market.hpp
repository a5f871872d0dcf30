// Internal: the demo's market, a seeded random walk of mark prices in exact Decimal units.
// Every step moves each price by a whole number of basis points (-25..+25), rounded down to
// the instrument's tick; a price never falls below 100 ticks. Not thread-safe: one owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "ledger/events/decimal.hpp"
#include "rng.hpp"

namespace ledger::producer::demo {

class Market {
 public:
  static constexpr std::size_t kHistoryMax = 16;  // marks kept per symbol for change_bps()

  Market();
  void step(Rng& rng);

  std::size_t size() const { return instruments_.size(); }
  const std::string& symbol(std::size_t i) const { return instruments_.at(i).symbol; }
  events::Decimal mark(std::size_t i) const;
  events::Decimal::Units tick_units(std::size_t i) const { return instruments_.at(i).tick_units; }
  // Change of the mark over the kept history, in basis points (0 with one mark).
  std::int64_t change_bps(std::size_t i) const;
  // `price` moved by `bps` basis points, rounded down to the tick of instrument i.
  events::Decimal shifted(std::size_t i, events::Decimal price, std::int64_t bps) const;

 private:
  struct Instrument {
    std::string symbol;
    events::Decimal::Units tick_units;
    std::deque<events::Decimal::Units> history;  // oldest first, at most kHistoryMax
  };
  std::vector<Instrument> instruments_;
};

}  // namespace ledger::producer::demo
