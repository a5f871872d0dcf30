// Micro-benchmarks of the projector's hot path in events/: Decimal::parse, to_string,
// validate(), and the part of validate() that walks every text field by reflection for NUL
// bytes, next to the protobuf parse of the same event (the ratio says what the walk costs). Run:
// cmake --build <dir> --target ledger_events_bench && <dir>/events/tests/ledger_events_bench
#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "examples.hpp"
#include "ledger/events/decimal.hpp"
#include "ledger/events/validation.hpp"
#include "nul_bytes.hpp"

namespace {

using ledger::events::Decimal;

constexpr std::array<const char*, 8> kTexts = {"60000",      "0.5",    "1.5",   "61234.12345678",
                                               "0.00000001", "-12.75", "1.5e3", "3000.25"};

void BM_DecimalParse(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    auto value = Decimal::parse(kTexts[i++ % kTexts.size()]);
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecimalParse);

void BM_DecimalToString(benchmark::State& state) {
  const Decimal value = *Decimal::parse("61234.12345678");
  for (auto _ : state) {
    auto text = value.to_string();
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecimalToString);

void BM_ValidateOrderFilled(benchmark::State& state) {
  const auto event = ledger::events::valid_example(ledger::v1::Event::kOrderFilled);
  for (auto _ : state) {
    auto errors = ledger::events::validate(event);
    benchmark::DoNotOptimize(errors);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValidateOrderFilled);

void BM_ValidateHeartbeat(benchmark::State& state) {
  const auto event = ledger::events::valid_example(ledger::v1::Event::kAgentHeartbeat);
  for (auto _ : state) {
    auto errors = ledger::events::validate(event);
    benchmark::DoNotOptimize(errors);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValidateHeartbeat);

// Per payload: parse the serialized event, the NUL walk alone, and the whole validate().
void BM_Parse(benchmark::State& state) {
  const auto payload = static_cast<ledger::v1::Event::PayloadCase>(state.range(0));
  const std::string bytes = ledger::events::valid_example(payload).SerializeAsString();
  ledger::v1::Event event;
  for (auto _ : state) {
    benchmark::DoNotOptimize(event.ParseFromString(bytes));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Parse)
    ->Arg(ledger::v1::Event::kOrderFilled)
    ->Arg(ledger::v1::Event::kDecisionMade)
    ->Arg(ledger::v1::Event::kAgentHeartbeat);

void BM_NulWalk(benchmark::State& state) {
  const auto event =
      ledger::events::valid_example(static_cast<ledger::v1::Event::PayloadCase>(state.range(0)));
  std::vector<ledger::events::FieldError> errors;
  for (auto _ : state) {
    errors.clear();
    ledger::events::detail::check_no_nul_bytes(event, "", errors);
    benchmark::DoNotOptimize(errors);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NulWalk)
    ->Arg(ledger::v1::Event::kOrderFilled)
    ->Arg(ledger::v1::Event::kDecisionMade)
    ->Arg(ledger::v1::Event::kAgentHeartbeat);

void BM_Validate(benchmark::State& state) {
  const auto event =
      ledger::events::valid_example(static_cast<ledger::v1::Event::PayloadCase>(state.range(0)));
  for (auto _ : state) {
    auto errors = ledger::events::validate(event);
    benchmark::DoNotOptimize(errors);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Validate)
    ->Arg(ledger::v1::Event::kOrderFilled)
    ->Arg(ledger::v1::Event::kDecisionMade)
    ->Arg(ledger::v1::Event::kAgentHeartbeat);

}  // namespace

BENCHMARK_MAIN();
