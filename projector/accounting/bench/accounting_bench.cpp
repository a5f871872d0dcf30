// Throughput of PositionBook::apply_fill: 1M fills over 8 symbols, with partial closes,
// closes and flips. Reports fills/s (and marks/s for apply_mark).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "ledger/projector/accounting/position_book.hpp"

namespace ledger::projector::accounting {
namespace {

constexpr std::size_t kFillsPerRun = 1'000'000;
constexpr std::size_t kSymbols = 8;

std::vector<Fill> make_fills(std::size_t count) {
  std::vector<Fill> fills(count);
  std::uint64_t state = 88172645463325252ULL;  // xorshift: deterministic pseudo-random
  for (std::size_t i = 0; i < count; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    Fill& fill = fills[i];
    fill.symbol = "SYM" + std::to_string(i % kSymbols);
    fill.side = (state & 1U) != 0 ? FillSide::kBuy : FillSide::kSell;
    fill.price =
        Decimal::from_units(static_cast<__int128>(1'000'000'000 + (state >> 40) % 100'000'000'000));
    fill.quantity = Decimal::from_units(static_cast<__int128>(1 + (state >> 20) % 300'000'000));
    fill.fee = Decimal::from_units(static_cast<__int128>((state >> 8) % 100'000));
    fill.occurred_at_us = static_cast<TimeUs>(i) * 1000;
    fill.order_id = "order-" + std::to_string(i / 3);
    fill.decision_id = "decision-" + std::to_string(i / 9);
    fill.strategy_id = "strategy";
    fill.fill_id = std::to_string(i);
  }
  return fills;
}

void BM_ApplyFills(benchmark::State& state) {
  const std::vector<Fill> fills = make_fills(kFillsPerRun);
  std::size_t round_trips = 0;
  for (auto _ : state) {
    PositionBook book("bench-agent", Decimal::from_int(1'000'000));
    for (const Fill& fill : fills) {
      auto result = book.apply_fill(fill);
      if (!result.ok()) {
        state.SkipWithError(result.error().message.c_str());
        return;
      }
      if (result->round_trip) ++round_trips;
    }
    benchmark::DoNotOptimize(book.totals());
  }
  state.counters["fills/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(kFillsPerRun),
      benchmark::Counter::kIsRate);
  state.counters["round_trips"] =
      static_cast<double>(round_trips) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ApplyFills)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ApplyMarksAndSnapshot(benchmark::State& state) {
  PositionBook book("bench-agent", Decimal::from_int(1'000'000));
  for (const Fill& fill : make_fills(kSymbols * 3)) (void)book.apply_fill(fill);
  std::int64_t price = 1'000'000'000;
  for (auto _ : state) {
    for (std::size_t s = 0; s < kSymbols; ++s) {
      ++price;
      (void)book.apply_mark("SYM" + std::to_string(s), Decimal::from_units(price), price);
    }
    benchmark::DoNotOptimize(book.snapshot(price));
  }
  state.counters["heartbeats/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ApplyMarksAndSnapshot);

}  // namespace
}  // namespace ledger::projector::accounting

BENCHMARK_MAIN();
