// JSON persistence of the accounting state: decimals as strings, times as integers.
#include "ledger/projector/accounting/state_json.hpp"

#include <stdexcept>
#include <string>

namespace ledger::projector::accounting {
namespace {

using nlohmann::json;

// Thrown while reading; turned into a kInvalidState error at the API.
class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const json& field(const json& object, const char* name) {
  if (!object.is_object() || !object.contains(name)) {
    throw StateError(std::string("missing field \"") + name + "\"");
  }
  return object.at(name);
}

std::string text(const json& object, const char* name) {
  const json& value = field(object, name);
  if (!value.is_string()) throw StateError(std::string("field \"") + name + "\" is not a string");
  return value.get<std::string>();
}

Decimal decimal(const json& object, const char* name) {
  std::string error;
  auto value = Decimal::parse(text(object, name), &error);
  if (!value) throw StateError(std::string("field \"") + name + "\": " + error);
  return *value;
}

Amount amount(const json& object, const char* name) {
  auto value = Amount::parse(text(object, name));
  if (!value) throw StateError(std::string("field \"") + name + "\" is not a scale-16 amount");
  return *value;
}

template <typename T>
T integer(const json& object, const char* name) {
  const json& value = field(object, name);
  if (!value.is_number_integer()) {
    throw StateError(std::string("field \"") + name + "\" is not an integer");
  }
  return value.get<T>();
}

template <typename T, typename Read>
std::optional<T> optional(const json& object, const char* name, Read read) {
  if (field(object, name).is_null()) return std::nullopt;
  return read(object, name);
}

std::vector<std::string> strings(const json& object, const char* name) {
  const json& value = field(object, name);
  if (!value.is_array()) throw StateError(std::string("field \"") + name + "\" is not an array");
  std::vector<std::string> result;
  for (const json& item : value) {
    if (!item.is_string())
      throw StateError(std::string("field \"") + name + "\" holds a non-string");
    result.push_back(item.get<std::string>());
  }
  return result;
}

void check_version(const json& object) {
  if (integer<int>(object, "version") != kStateJsonVersion) {
    throw StateError("unsupported version " + field(object, "version").dump());
  }
}

json position_to_json(const Position& p) {
  return {{"number", p.number},
          {"symbol", p.symbol},
          {"status", to_string(p.status)},
          {"quantity", p.quantity.to_string()},
          {"cost_basis", p.cost_basis.to_string()},
          {"realized_pnl_gross", p.realized_pnl_gross.to_string()},
          {"fees_paid", p.fees_paid.to_string()},
          {"mark_price", p.mark_price.to_string()},
          {"marked_at_us", p.marked_at_us},
          {"leverage", p.leverage},
          {"opened_at_us", p.opened_at_us},
          {"updated_at_us", p.updated_at_us},
          {"closed_at_us", p.closed_at_us ? json(*p.closed_at_us) : json(nullptr)},
          {"strategy_id", p.strategy_id},
          {"opening_decision_id", p.opening_decision_id},
          {"opening_order_id", p.opening_order_id},
          {"entry_quantity", p.entry_quantity.to_string()},
          {"entry_value", p.entry_value.to_string()},
          {"exit_quantity", p.exit_quantity.to_string()},
          {"exit_value", p.exit_value.to_string()},
          {"peak_quantity", p.peak_quantity.to_string()},
          {"decision_ids", p.lineage.decision_ids()},
          {"order_ids", p.lineage.order_ids()},
          {"ids_truncated", p.lineage.ids_truncated()},
          {"fill_count", p.lineage.fill_count()}};
}

Position position_from_json(const json& j) {
  Position p;
  p.number = integer<std::uint64_t>(j, "number");
  p.symbol = text(j, "symbol");
  const std::string status = text(j, "status");
  if (status != "open" && status != "closed") throw StateError("bad status \"" + status + "\"");
  p.status = status == "open" ? PositionStatus::kOpen : PositionStatus::kClosed;
  p.quantity = decimal(j, "quantity");
  p.cost_basis = amount(j, "cost_basis");
  p.realized_pnl_gross = amount(j, "realized_pnl_gross");
  p.fees_paid = amount(j, "fees_paid");
  p.mark_price = decimal(j, "mark_price");
  p.marked_at_us = integer<TimeUs>(j, "marked_at_us");
  p.leverage = integer<std::uint32_t>(j, "leverage");
  p.opened_at_us = integer<TimeUs>(j, "opened_at_us");
  p.updated_at_us = integer<TimeUs>(j, "updated_at_us");
  p.closed_at_us = optional<TimeUs>(j, "closed_at_us", integer<TimeUs>);
  p.strategy_id = text(j, "strategy_id");
  p.opening_decision_id = text(j, "opening_decision_id");
  p.opening_order_id = text(j, "opening_order_id");
  p.entry_quantity = decimal(j, "entry_quantity");
  p.entry_value = amount(j, "entry_value");
  p.exit_quantity = decimal(j, "exit_quantity");
  p.exit_value = amount(j, "exit_value");
  p.peak_quantity = decimal(j, "peak_quantity");
  const json& truncated = field(j, "ids_truncated");
  if (!truncated.is_boolean()) throw StateError("field \"ids_truncated\" is not a boolean");
  p.lineage = Lineage::restore(strings(j, "decision_ids"), strings(j, "order_ids"),
                               truncated.get<bool>(), integer<std::uint64_t>(j, "fill_count"));
  if (p.quantity.is_zero() != p.cost_basis.is_zero() ||
      (p.status == PositionStatus::kOpen) == p.quantity.is_zero()) {
    throw StateError("position " + p.symbol + ": quantity, cost basis and status disagree");
  }
  return p;
}

template <typename Reader>
auto guarded(const char* what, Reader read) -> Result<decltype(read())> {
  try {
    return read();
  } catch (const StateError& error) {
    return AccountingError{AccountingErrc::kInvalidState, std::string(what) + ": " + error.what()};
  } catch (const json::exception& error) {
    return AccountingError{AccountingErrc::kInvalidState, std::string(what) + ": " + error.what()};
  }
}

}  // namespace

json book_to_json(const PositionBook& book) {
  const BookTotals& t = book.totals();
  json positions = json::array();
  for (const auto& [symbol, position] : book.positions())
    positions.push_back(position_to_json(position));
  return {{"version", kStateJsonVersion},
          {"agent_id", book.agent_id()},
          {"initial_balance", book.initial_balance().to_string()},
          {"totals",
           {{"realized_pnl_gross", t.realized_pnl_gross.to_string()},
            {"fees_paid", t.fees_paid.to_string()},
            {"funding", t.funding.to_string()},
            {"net_deposits", t.net_deposits.to_string()},
            {"fills", t.fills},
            {"round_trips", t.round_trips}}},
          {"positions", positions}};
}

Result<PositionBook> book_from_json(const json& j) {
  return guarded("position book state", [&j] {
    check_version(j);
    const json& t = field(j, "totals");
    BookTotals totals;
    totals.realized_pnl_gross = amount(t, "realized_pnl_gross");
    totals.fees_paid = amount(t, "fees_paid");
    totals.funding = amount(t, "funding");
    totals.net_deposits = amount(t, "net_deposits");
    totals.fills = integer<std::uint64_t>(t, "fills");
    totals.round_trips = integer<std::uint64_t>(t, "round_trips");
    std::map<std::string, Position> positions;
    const json& list = field(j, "positions");
    if (!list.is_array()) throw StateError("field \"positions\" is not an array");
    for (const json& item : list) {
      Position position = position_from_json(item);
      const std::string symbol = position.symbol;
      if (!positions.emplace(symbol, std::move(position)).second) {
        throw StateError("symbol " + symbol + " appears twice");
      }
    }
    return PositionBook::restore(text(j, "agent_id"), decimal(j, "initial_balance"),
                                 std::move(positions), totals);
  });
}

json tracker_to_json(const PerformanceTracker& tracker) {
  const PerformanceTracker::State& s = tracker.state();
  auto optional_amount = [](const std::optional<Amount>& a) {
    return a ? json(a->to_string()) : json(nullptr);
  };
  auto optional_time = [](const std::optional<TimeUs>& t) { return t ? json(*t) : json(nullptr); };
  json days = json::array();
  for (const EndOfDay& day : s.days) {
    days.push_back({{"day", day.day},
                    {"equity", day.equity.to_string()},
                    {"capital", day.capital.to_string()}});
  }
  return {{"version", kStateJsonVersion},
          {"round_trips", s.round_trips},
          {"wins", s.wins},
          {"losses", s.losses},
          {"gross_profit", s.gross_profit.to_string()},
          {"gross_loss", s.gross_loss.to_string()},
          {"fees", s.fees.to_string()},
          {"largest_win", optional_amount(s.largest_win)},
          {"largest_loss", optional_amount(s.largest_loss)},
          {"duration_sum_us", s.duration_sum_us},
          {"snapshots", s.snapshots},
          {"first_at_us", optional_time(s.first_at_us)},
          {"last_at_us", optional_time(s.last_at_us)},
          {"peak_pnl", s.peak_pnl.to_string()},
          {"max_drawdown", s.max_drawdown.to_string()},
          {"max_drawdown_pct", s.max_drawdown_pct ? json(*s.max_drawdown_pct) : json(nullptr)},
          {"last_roi_pct", s.last_roi_pct ? json(s.last_roi_pct->to_string()) : json(nullptr)},
          {"last_total_pnl", optional_amount(s.last_total_pnl)},
          {"last_capital", optional_amount(s.last_capital)},
          {"days", days}};
}

Result<PerformanceTracker> tracker_from_json(const json& j) {
  return guarded("performance tracker state", [&j] {
    check_version(j);
    PerformanceTracker::State s;
    s.round_trips = integer<std::uint64_t>(j, "round_trips");
    s.wins = integer<std::uint64_t>(j, "wins");
    s.losses = integer<std::uint64_t>(j, "losses");
    if (s.wins + s.losses > s.round_trips) throw StateError("more wins and losses than trades");
    s.gross_profit = amount(j, "gross_profit");
    s.gross_loss = amount(j, "gross_loss");
    s.fees = amount(j, "fees");
    s.largest_win = optional<Amount>(j, "largest_win", amount);
    s.largest_loss = optional<Amount>(j, "largest_loss", amount);
    s.duration_sum_us = integer<std::int64_t>(j, "duration_sum_us");
    s.snapshots = integer<std::uint64_t>(j, "snapshots");
    s.first_at_us = optional<TimeUs>(j, "first_at_us", integer<TimeUs>);
    s.last_at_us = optional<TimeUs>(j, "last_at_us", integer<TimeUs>);
    if ((s.snapshots > 0) != (s.first_at_us && s.last_at_us)) {
      throw StateError("snapshot count and first/last times disagree");
    }
    s.peak_pnl = amount(j, "peak_pnl");  // state of 8 places (older) reads as the same value
    s.max_drawdown = amount(j, "max_drawdown");
    const json& pct = field(j, "max_drawdown_pct");
    if (!pct.is_null()) s.max_drawdown_pct = pct.get<double>();
    s.last_roi_pct = optional<Decimal>(j, "last_roi_pct", decimal);
    // Absent in state saved before the exact figures were kept: the shown ROI stands in.
    if (j.contains("last_total_pnl") && j.contains("last_capital")) {
      s.last_total_pnl = optional<Amount>(j, "last_total_pnl", amount);
      s.last_capital = optional<Amount>(j, "last_capital", amount);
    }
    const json& days = field(j, "days");
    if (!days.is_array()) throw StateError("field \"days\" is not an array");
    for (const json& day : days) {
      const auto number = integer<std::int64_t>(day, "day");
      if (!s.days.empty() && number <= s.days.back().day) throw StateError("days not ascending");
      s.days.push_back({number, decimal(day, "equity"), decimal(day, "capital")});
    }
    return PerformanceTracker(std::move(s));
  });
}

json detector_to_json(const OfflineDetector& detector) {
  const auto last = detector.last_heartbeat_at_us();
  return {{"version", kStateJsonVersion},
          {"agent_id", detector.agent_id()},
          {"offline_after_us", detector.offline_after_us()},
          {"last_heartbeat_at_us", last ? json(*last) : json(nullptr)}};
}

Result<OfflineDetector> detector_from_json(const json& j) {
  return guarded("offline detector state", [&j] {
    check_version(j);
    return OfflineDetector(text(j, "agent_id"), integer<TimeUs>(j, "offline_after_us"),
                           optional<TimeUs>(j, "last_heartbeat_at_us", integer<TimeUs>));
  });
}

}  // namespace ledger::projector::accounting
