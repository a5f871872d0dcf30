// fold_books: mark-to-market equity and P&L by symbol from fills and marks, in exact Decimals.
#include <algorithm>

#include "ledger/queries/report.hpp"

namespace ledger::queries {
namespace {

using events::Decimal;

struct SymbolBook {
  Decimal quantity;  // signed base quantity
  Decimal cash;      // sells - buys - fees
  Decimal mark;      // latest mark (or last fill price before any mark)
};

Decimal add(Decimal a, Decimal b) { return Decimal::checked_add(a, b).value_or(a); }
Decimal sub(Decimal a, Decimal b) { return Decimal::checked_sub(a, b).value_or(a); }
Decimal mul(Decimal a, Decimal b) { return Decimal::checked_mul_rounded(a, b).value_or(Decimal()); }

Decimal symbol_pnl(const SymbolBook& book) { return add(book.cash, mul(book.quantity, book.mark)); }

// Keeps at most `max` points, evenly spaced, always the first and the last.
std::vector<EquityPoint> sample(const std::vector<EquityPoint>& points, std::size_t max) {
  if (points.size() <= max || max < 2) return points;
  std::vector<EquityPoint> out;
  out.reserve(max);
  for (std::size_t i = 0; i < max; ++i) out.push_back(points[i * (points.size() - 1) / (max - 1)]);
  return out;
}

}  // namespace

void fold_books(const std::vector<FillRow>& fills, const std::vector<MarkRow>& marks,
                AgentReport& agent) {
  std::map<std::string, SymbolBook> books;
  std::vector<EquityPoint> curve;
  const auto equity_now = [&books, &agent] {
    Decimal equity = agent.initial_balance;
    for (const auto& [symbol, book] : books) equity = add(equity, symbol_pnl(book));
    return equity;
  };
  std::size_t f = 0;
  std::size_t m = 0;
  while (f < fills.size() || m < marks.size()) {
    const bool take_fill =
        m >= marks.size() || (f < fills.size() && fills[f].unix_ms <= marks[m].unix_ms);
    std::int64_t at_ms = 0;
    if (take_fill) {
      const FillRow& fill = fills[f++];
      SymbolBook& book = books[fill.symbol];
      const Decimal notional = mul(fill.price, fill.quantity);
      book.quantity =
          fill.buy ? add(book.quantity, fill.quantity) : sub(book.quantity, fill.quantity);
      book.cash = sub(fill.buy ? sub(book.cash, notional) : add(book.cash, notional), fill.fee);
      if (book.mark.is_zero()) book.mark = fill.price;
      ++agent.fills;
      at_ms = fill.unix_ms;
    } else {
      const MarkRow& row = marks[m++];
      for (const auto& [symbol, price] : row.marks) {
        const auto found = books.find(symbol);
        if (found != books.end()) found->second.mark = price;
      }
      at_ms = row.unix_ms;
    }
    curve.push_back({at_ms, equity_now()});
  }
  agent.equity = sample(curve, kCurvePointsMax);
  agent.pnl_by_symbol.clear();
  for (const auto& [symbol, book] : books) agent.pnl_by_symbol[symbol] = symbol_pnl(book);
}

}  // namespace ledger::queries
