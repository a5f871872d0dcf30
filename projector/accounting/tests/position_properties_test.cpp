// Properties of PositionBook over random fill and mark sequences (rapidcheck).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/projector/accounting/performance.hpp"
#include "ledger/projector/accounting/position_book.hpp"
#include "ledger/projector/accounting/state_json.hpp"

namespace ledger::projector::accounting {
namespace {

// Random curves are short: statistics from the smallest history allowed, so the properties
// compare published figures, not NULLs.
constexpr StatisticsPolicy kShortHistory{.min_daily_returns = 2};

const std::vector<std::string> kSymbols = {"BTC", "ETH", "SOL"};

struct Op {
  bool is_mark = false;
  std::size_t symbol = 0;
  bool buy = true;
  std::int64_t price_units = 1;
  std::int64_t quantity_units = 1;
  std::int64_t fee_units = 0;
};

rc::Gen<Op> gen_op() {
  return rc::gen::build<Op>(
      rc::gen::set(&Op::is_mark, rc::gen::weightedElement<bool>({{1, true}, {3, false}})),
      rc::gen::set(&Op::symbol, rc::gen::inRange<std::size_t>(0, kSymbols.size())),
      rc::gen::set(&Op::buy, rc::gen::arbitrary<bool>()),
      // 0.00000001 .. 100000 with odd digits, and a few round prices.
      rc::gen::set(
          &Op::price_units,
          rc::gen::oneOf(rc::gen::inRange<std::int64_t>(1, 10'000'000'000'000),
                         rc::gen::element<std::int64_t>(100'000'000, 250'000'000, 10'000'000'000))),
      // 0.00000001 .. 50, and small whole quantities that cross zero often.
      rc::gen::set(&Op::quantity_units,
                   rc::gen::oneOf(rc::gen::inRange<std::int64_t>(1, 5'000'000'000),
                                  rc::gen::map(rc::gen::inRange<std::int64_t>(1, 6),
                                               [](std::int64_t n) { return n * 100'000'000; }))),
      rc::gen::set(&Op::fee_units, rc::gen::inRange<std::int64_t>(-1'000'000, 100'000'000)));
}

Fill to_fill(const Op& op, std::size_t index) {
  Fill fill;
  fill.symbol = kSymbols[op.symbol];
  fill.side = op.buy ? FillSide::kBuy : FillSide::kSell;
  fill.price = Decimal::from_units(op.price_units);
  fill.quantity = Decimal::from_units(op.quantity_units);
  fill.fee = Decimal::from_units(op.fee_units);
  fill.occurred_at_us = static_cast<TimeUs>(index) * kMicrosPerSecond;
  fill.order_id = "o" + std::to_string(index);
  fill.decision_id = "d" + std::to_string(index / 3);
  fill.strategy_id = op.symbol == 0 ? "s1" : "s2";
  fill.fill_id = "f" + std::to_string(index);
  return fill;
}

// What the book emitted, in order, for comparing runs.
struct Trace {
  std::vector<RoundTrip> round_trips;
  std::vector<DerivedEvent> events;
  bool operator==(const Trace&) const = default;
};

void apply(PositionBook& book, const Op& op, std::size_t index, Trace& trace) {
  if (op.is_mark) {
    auto marked = book.apply_mark(kSymbols[op.symbol], Decimal::from_units(op.price_units),
                                  static_cast<TimeUs>(index) * kMicrosPerSecond);
    RC_ASSERT(marked.ok());
    return;
  }
  auto result = book.apply_fill(to_fill(op, index));
  RC_ASSERT(result.ok());
  if (result->round_trip) trace.round_trips.push_back(*result->round_trip);
  trace.events.insert(trace.events.end(), result->events.begin(), result->events.end());
}

Trace apply_all(PositionBook& book, const std::vector<Op>& ops) {
  Trace trace;
  for (std::size_t i = 0; i < ops.size(); ++i) apply(book, ops[i], i, trace);
  return trace;
}

RC_GTEST_PROP(PositionBookProperties, QuantityIsTheSumOfSignedFills, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  PositionBook book("agent");
  apply_all(book, ops);
  std::map<std::string, Amount::Units> expected;
  for (const Op& op : ops) {
    if (!op.is_mark)
      expected[kSymbols[op.symbol]] += op.buy ? op.quantity_units : -op.quantity_units;
  }
  for (const auto& [symbol, units] : expected) {
    const Position* position = book.find(symbol);
    RC_ASSERT(position != nullptr);
    RC_ASSERT(position->quantity.units() == units);
    // The cost basis has the sign of the quantity and is zero exactly when flat.
    RC_ASSERT(position->cost_basis.sign() == (units > 0 ? 1 : (units < 0 ? -1 : 0)));
    RC_ASSERT((position->status == PositionStatus::kOpen) == (units != 0));
  }
}

RC_GTEST_PROP(PositionBookProperties, PnlEqualsMarkToMarketOfCashFlows, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  PositionBook book("agent");
  apply_all(book, ops);
  // Independent model: cash flows (-signed qty x price - fee) plus open quantity at the last
  // price seen, all exact at scale 16.
  Amount::Units cash = 0;
  std::map<std::string, Amount::Units> quantity, last_price;
  for (const Op& op : ops) {
    const std::string& symbol = kSymbols[op.symbol];
    last_price[symbol] = op.price_units;
    if (op.is_mark) continue;
    const Amount::Units signed_qty = op.buy ? op.quantity_units : -op.quantity_units;
    quantity[symbol] += signed_qty;
    cash -= signed_qty * op.price_units +
            static_cast<Amount::Units>(op.fee_units) * Amount::kPerDecimalUnit;
  }
  Amount::Units mark_to_market = cash;
  for (const auto& [symbol, qty] : quantity) mark_to_market += qty * last_price[symbol];
  Amount unrealized;
  for (const auto& [symbol, position] : book.positions())
    unrealized += position.unrealized_pnl_exact();
  const BookTotals& totals = book.totals();
  RC_ASSERT((totals.realized_pnl_gross + unrealized - totals.fees_paid).units() == mark_to_market);
  // The snapshot shows the same (rounded) and its identities hold to the last rounding digit.
  auto snapshot = book.snapshot(0);
  RC_ASSERT(snapshot.ok());
  const Amount total_exact = totals.realized_pnl_gross + unrealized - totals.fees_paid;
  RC_ASSERT(snapshot->total_pnl == total_exact.to_decimal());
  RC_ASSERT(snapshot->total_value == snapshot->total_pnl);  // capital 0
  const auto value_gap =
      snapshot->total_value.units() - (snapshot->cash.units() + snapshot->position_value.units());
  RC_ASSERT(value_gap >= -1 && value_gap <= 1);
}

RC_GTEST_PROP(PositionBookProperties, RoundTripsSumToNetRealized, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  PositionBook book("agent");
  const Trace trace = apply_all(book, ops);
  Amount round_trip_net;
  for (const RoundTrip& trip : trace.round_trips) {
    round_trip_net += trip.pnl_net();
    RC_ASSERT(trip.entry_quantity == trip.exit_quantity);
    RC_ASSERT(trip.peak_quantity <= trip.entry_quantity);
    RC_ASSERT(trip.closed_at_us >= trip.opened_at_us);
  }
  Amount open_net;  // the open positions' partial closes belong to their round trip in progress
  for (const auto& [symbol, position] : book.positions()) {
    if (position.status == PositionStatus::kOpen) open_net += position.realized_pnl_net_exact();
  }
  const BookTotals& totals = book.totals();
  RC_ASSERT(round_trip_net + open_net == totals.realized_pnl_gross - totals.fees_paid);
  RC_ASSERT(totals.round_trips == trace.round_trips.size());
}

RC_GTEST_PROP(PositionBookProperties, BatchSplitsDoNotMatter, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  const auto cuts = *rc::gen::container<std::vector<bool>>(ops.size(), rc::gen::arbitrary<bool>());
  PositionBook whole("agent", Decimal::from_int(1000));
  const Trace whole_trace = apply_all(whole, ops);
  // The same events in groups; at each cut the book is copied (as a batch boundary would
  // hand the state on) and a snapshot is taken, which must not change anything.
  PositionBook current("agent", Decimal::from_int(1000));
  Trace split_trace;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    apply(current, ops[i], i, split_trace);
    if (cuts[i]) {
      RC_ASSERT(current.snapshot(static_cast<TimeUs>(i)).ok());
      PositionBook next = current;
      current = std::move(next);
    }
  }
  RC_ASSERT(current == whole);
  RC_ASSERT(split_trace == whole_trace);
  RC_ASSERT(current.snapshot(7).value() == whole.snapshot(7).value());
}

RC_GTEST_PROP(PositionBookProperties, PersistedStateResumesExactly, ()) {
  // A projector that saves its state as JSON text at a batch boundary, restarts and restores
  // it, then goes on, ends with the same book, trades and performance as one that never stopped.
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  const auto cut = *rc::gen::inRange<std::size_t>(0, ops.size() + 1);
  auto run = [&ops](std::size_t from, std::size_t to, PositionBook& book,
                    PerformanceTracker& perf) {
    Trace trace;
    for (std::size_t i = from; i < to; ++i) {
      apply(book, ops[i], i, trace);
      RC_ASSERT(book.snapshot(static_cast<TimeUs>(i) * kMicrosPerDay / 2).ok());
      perf.add_snapshot(book.snapshot(static_cast<TimeUs>(i) * kMicrosPerDay / 2).value());
    }
    for (const RoundTrip& trip : trace.round_trips) perf.add_round_trip(trip);
    return trace;
  };
  PositionBook whole("agent", Decimal::from_int(500));
  PerformanceTracker whole_perf;
  const Trace whole_trace = run(0, ops.size(), whole, whole_perf);

  PositionBook before("agent", Decimal::from_int(500));
  PerformanceTracker before_perf;
  Trace trace = run(0, cut, before, before_perf);
  const std::string saved_book = book_to_json(before).dump();
  const std::string saved_perf = tracker_to_json(before_perf).dump();
  auto book = book_from_json(nlohmann::json::parse(saved_book));
  auto perf = tracker_from_json(nlohmann::json::parse(saved_perf));
  RC_ASSERT(book.ok());
  RC_ASSERT(perf.ok());
  RC_ASSERT(book.value() == before);
  RC_ASSERT(perf.value() == before_perf);
  const Trace rest = run(cut, ops.size(), book.value(), perf.value());
  trace.round_trips.insert(trace.round_trips.end(), rest.round_trips.begin(),
                           rest.round_trips.end());
  trace.events.insert(trace.events.end(), rest.events.begin(), rest.events.end());
  RC_ASSERT(book.value() == whole);
  RC_ASSERT(trace == whole_trace);
  // Round trips were fed after each run, so compare the trade figures, not the order of calls.
  RC_ASSERT(perf.value().summary(kShortHistory).value().net_pnl ==
            whole_perf.summary(kShortHistory).value().net_pnl);
  RC_ASSERT(perf.value().summary(kShortHistory).value().sharpe_ratio ==
            whole_perf.summary(kShortHistory).value().sharpe_ratio);
}

RC_GTEST_PROP(PositionBookProperties, ShownFiguresAreTheExactOnesRoundedHalfEven, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  PositionBook book("agent");
  apply_all(book, ops);
  for (const auto& [symbol, position] : book.positions()) {
    for (const Amount exact : {position.realized_pnl_gross, position.unrealized_pnl_exact(),
                               position.realized_pnl_net_exact()}) {
      const Amount::Units shown = exact.to_decimal().units() * Amount::kPerDecimalUnit;
      const Amount::Units error = shown - exact.units();
      RC_ASSERT(2 * error <= Amount::kPerDecimalUnit);
      RC_ASSERT(2 * error >= -Amount::kPerDecimalUnit);
    }
    if (auto average = position.average_entry_price()) {
      // |average x quantity - cost| <= half a price unit times the quantity.
      const Amount::Units gap =
          Amount::product(position.quantity.abs(), *average).units() -
          (position.cost_basis.is_negative() ? -position.cost_basis : position.cost_basis).units();
      const Amount::Units bound = position.quantity.abs().units() / 2 + 1;
      RC_ASSERT(gap <= bound && gap >= -bound);
    }
  }
}

// round_half_even(value / quantity) on non-negative int128, written out independently.
__int128 reference_half_even(__int128 value, __int128 quantity) {
  __int128 quotient = value / quantity;
  const __int128 twice = 2 * (value % quantity);
  if (twice > quantity || (twice == quantity && quotient % 2 != 0)) ++quotient;
  return quotient;
}

rc::Gen<std::int64_t> gen_small_or_large(std::int64_t large) {
  return rc::gen::oneOf(rc::gen::inRange<std::int64_t>(1, 100),
                        rc::gen::inRange<std::int64_t>(1, large));
}

RC_GTEST_PROP(PositionBookProperties, AveragesAreTheExactRatioRoundedOnce, (bool buy)) {
  // Entries then exits on one symbol, quantities of a few 10^-8 or up to 10^6, prices of a few
  // 10^-8 or up to 10^7: every shown average is round_half_even_8(sum |q| x p / sum |q|).
  const auto entries = *rc::gen::nonEmpty(
      rc::gen::container<std::vector<std::pair<std::int64_t, std::int64_t>>>(rc::gen::pair(
          gen_small_or_large(100'000'000'000'000), gen_small_or_large(1'000'000'000'000'000))));
  const auto exits =
      *rc::gen::container<std::vector<std::pair<std::int64_t, std::int64_t>>>(rc::gen::pair(
          gen_small_or_large(100'000'000'000'000), gen_small_or_large(1'000'000'000'000'000)));
  PositionBook book("agent");
  __int128 entry_value = 0, entry_quantity = 0, exit_value = 0, exit_quantity = 0;
  std::size_t index = 0;
  for (const auto& [quantity, price] : entries) {
    Op op{.buy = buy, .price_units = price, .quantity_units = quantity};
    RC_ASSERT(book.apply_fill(to_fill(op, index++)).ok());
    entry_value += static_cast<__int128>(quantity) * price;
    entry_quantity += quantity;
    const Position& position = *book.find(kSymbols[0]);
    RC_ASSERT(position.average_entry_price().value().units() ==
              reference_half_even(entry_value, entry_quantity));
  }
  std::optional<RoundTrip> trip;
  for (std::size_t i = 0; i <= exits.size() && !trip; ++i) {
    const __int128 open = entry_quantity - exit_quantity;
    // The last step closes what is left at the last price drawn (or 1).
    const std::int64_t price = i < exits.size() ? exits[i].second : 100'000'000;
    const auto quantity = static_cast<std::int64_t>(
        i < exits.size() && exits[i].first < open ? exits[i].first : open);
    Op op{.buy = !buy, .price_units = price, .quantity_units = quantity};
    auto result = book.apply_fill(to_fill(op, index++));
    RC_ASSERT(result.ok());
    exit_value += static_cast<__int128>(quantity) * price;
    exit_quantity += quantity;
    trip = result->round_trip;
    const Position& position = *book.find(kSymbols[0]);
    RC_ASSERT(average_price(position.exit_value, position.exit_quantity).units() ==
              reference_half_even(exit_value, exit_quantity));
  }
  RC_ASSERT(trip.has_value());
  RC_ASSERT(trip->entry_price_average().units() ==
            reference_half_even(entry_value, entry_quantity));
  RC_ASSERT(trip->exit_price_average().units() == reference_half_even(exit_value, exit_quantity));
}

RC_GTEST_PROP(MulDivHalfEven, MatchesDirectInt128Division, (std::int64_t a, std::int64_t num)) {
  const auto den = *rc::gen::inRange<std::int64_t>(1, INT64_MAX);
  const __int128 product = static_cast<__int128>(a) * num;
  __int128 quotient = product / den;
  __int128 remainder = product % den;
  if (remainder < 0) remainder = -remainder;
  const __int128 twice = 2 * remainder;
  if (twice > den || (twice == den && quotient % 2 != 0)) quotient += product < 0 ? -1 : 1;
  RC_ASSERT(mul_div_half_even(a, num, den, "test") == quotient);
}

}  // namespace
}  // namespace ledger::projector::accounting
