#include "market.hpp"

namespace ledger::producer::demo {

using events::Decimal;
using Units = Decimal::Units;

namespace {

Units round_to_tick(Units units, Units tick_units) {
  const Units rounded = units - units % tick_units;
  return rounded < 100 * tick_units ? 100 * tick_units : rounded;
}

}  // namespace

Market::Market() {
  // Start prices and ticks in units of 1e-8.
  instruments_.push_back({"BTC/USD", Decimal::kOne / 100, {65'000 * Decimal::kOne}});
  instruments_.push_back({"ETH/USD", Decimal::kOne / 100, {3'200 * Decimal::kOne}});
  instruments_.push_back({"SOL/USD", Decimal::kOne / 1000, {150 * Decimal::kOne}});
}

void Market::step(Rng& rng) {
  for (auto& instrument : instruments_) {
    const Units last = instrument.history.back();
    const Units moved = last + last * rng.between(-25, 25) / 10'000;
    instrument.history.push_back(round_to_tick(moved, instrument.tick_units));
    if (instrument.history.size() > kHistoryMax) instrument.history.pop_front();
  }
}

Decimal Market::mark(std::size_t i) const {
  return Decimal::from_units(instruments_.at(i).history.back());
}

std::int64_t Market::change_bps(std::size_t i) const {
  const auto& history = instruments_.at(i).history;
  const Units first = history.front();
  return static_cast<std::int64_t>((history.back() - first) * 10'000 / first);
}

Decimal Market::shifted(std::size_t i, Decimal price, std::int64_t bps) const {
  const Units units = price.units();
  return Decimal::from_units(
      round_to_tick(units + units * bps / 10'000, instruments_.at(i).tick_units));
}

}  // namespace ledger::producer::demo
