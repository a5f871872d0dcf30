// BooksExtension: restoring the agents' books (load) and folding the batch's events into them
// (apply). Writing is in books_write.cpp.
#include "books_extension.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <pqxx/pqxx>
#include <stdexcept>

#include "ledger/projector/accounting/state_json.hpp"
#include "ledger/projector/sql_text.hpp"

namespace ledger::projector {
namespace {

using ledger::v1::Event;

constexpr int kAgentStateVersion = 1;

Decimal decimal_or_zero(const std::string& text) {
  if (text.empty()) return Decimal();
  return Decimal::parse(text).value_or(Decimal());
}

std::string describe(const acc::AccountingError& error) {
  return std::string(acc::to_string(error.code)) + ": " + error.message;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Options and the factory

void add_extension_options(CLI::App& command, ExtensionOptions& options) {
  command
      .add_option("--offline-after-s", options.offline_after_s,
                  "An agent is offline when its heartbeats (event times) are further apart than "
                  "this; use the same value for replay")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{30} * 86'400));
  command
      .add_option("--min-daily-returns", options.min_daily_returns,
                  "Volatility, Sharpe and Sortino need this many daily returns, the annualized "
                  "return this many days of history; below it they are NULL")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{2}, std::uint64_t{100'000}));
  command
      .add_option("--periods-per-year", options.periods_per_year,
                  "Daily returns per year for annualising volatility, Sharpe and Sortino (365 "
                  "counts every calendar day; 252 is the equity-market convention)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 366.0));
}

std::unique_ptr<ProjectionExtension> make_books_extension(const ExtensionOptions& options) {
  return std::make_unique<BooksExtension>(options);
}

std::vector<std::unique_ptr<ProjectionExtension>> make_standard_extensions(
    const ExtensionOptions& options) {
  std::vector<std::unique_ptr<ProjectionExtension>> extensions;
  extensions.push_back(make_books_extension(options));
  return extensions;
}

// ---------------------------------------------------------------------------------------------
// State JSON of one agent

nlohmann::json agent_books_to_json(const AgentBooks& books) {
  nlohmann::json strategies = nlohmann::json::object();
  for (const auto& [id, strategy] : books.strategies) {
    strategies[id] = {{"tracker", acc::tracker_to_json(strategy.tracker)},
                      {"updated_at_us", strategy.updated_at_us}};
  }
  return nlohmann::json{{"version", kAgentStateVersion},
                        {"book", acc::book_to_json(books.book)},
                        {"tracker", acc::tracker_to_json(books.tracker)},
                        {"strategies", std::move(strategies)},
                        {"detector", acc::detector_to_json(books.detector)},
                        {"updated_at_us", books.updated_at_us}};
}

namespace {

template <typename T>
T restored(acc::Result<T> result, const std::string& agent_id, const char* part) {
  if (!result.ok()) {
    throw std::runtime_error("accounting_state of agent '" + agent_id + "': " + part + ": " +
                             result.error().message);
  }
  return std::move(result).value();
}

}  // namespace

AgentBooks agent_books_from_json(const std::string& agent_id, const nlohmann::json& json,
                                 acc::TimeUs offline_after_us) {
  const auto bad = [&](const std::string& what) {
    return std::runtime_error("accounting_state of agent '" + agent_id + "': " + what);
  };
  if (!json.is_object() || json.value("version", 0) != kAgentStateVersion) {
    throw bad("missing or unknown \"version\" (this build reads " +
              std::to_string(kAgentStateVersion) + ")");
  }
  for (const char* key : {"book", "tracker", "strategies", "detector", "updated_at_us"}) {
    if (!json.contains(key)) throw bad(std::string("missing field \"") + key + "\"");
  }
  const acc::OfflineDetector detector =
      restored(acc::detector_from_json(json.at("detector")), agent_id, "detector");
  AgentBooks books{
      restored(acc::book_from_json(json.at("book")), agent_id, "book"),
      restored(acc::tracker_from_json(json.at("tracker")), agent_id, "tracker"),
      {},
      // The configured threshold applies; the last heartbeat time carries over.
      acc::OfflineDetector(agent_id, offline_after_us, detector.last_heartbeat_at_us()),
      0,
      false,
      {}};
  if (!json.at("strategies").is_object()) throw bad("field \"strategies\" is not an object");
  for (const auto& [id, strategy] : json.at("strategies").items()) {
    if (!strategy.is_object() || !strategy.contains("tracker") ||
        !strategy.value("updated_at_us", nlohmann::json()).is_number_integer()) {
      throw bad("strategy \"" + id + "\": needs \"tracker\" and \"updated_at_us\"");
    }
    books.strategies.emplace(
        id, StrategyBooks{
                restored(acc::tracker_from_json(strategy.at("tracker")), agent_id, "strategy"),
                strategy.at("updated_at_us").get<acc::TimeUs>()});
  }
  if (!json.at("updated_at_us").is_number_integer()) throw bad("\"updated_at_us\" not an integer");
  books.updated_at_us = json.at("updated_at_us").get<acc::TimeUs>();
  return books;
}

// ---------------------------------------------------------------------------------------------
// The extension

BooksExtension::BooksExtension(const ExtensionOptions& options)
    : offline_after_us_(options.offline_after_s * acc::kMicrosPerSecond),
      statistics_{options.min_daily_returns, options.periods_per_year} {
  if (options.offline_after_s <= 0) {
    throw std::invalid_argument("offline_after_s must be > 0, got " +
                                std::to_string(options.offline_after_s));
  }
}

void BooksExtension::reset() {
  agents_.clear();
  positions_.clear();
  changes_.clear();
  round_trips_.clear();
  snapshots_.clear();
  events_.clear();
}

void BooksExtension::load(pqxx::dbtransaction& tx, const BatchKeys& keys) {
  reset();
  if (keys.agent_ids.empty()) return;
  const pqxx::result result = tx.exec_params(
      "SELECT agent_id, state FROM accounting_state WHERE agent_id = ANY($1::text[])",
      text_array({keys.agent_ids.begin(), keys.agent_ids.end()}));
  for (const pqxx::row& row : result) {
    const std::string agent_id = row[0].c_str();
    nlohmann::json json = nlohmann::json::parse(row[1].c_str(), nullptr, false);
    if (json.is_discarded()) {
      throw std::runtime_error("accounting_state of agent '" + agent_id + "' is not JSON");
    }
    agents_.emplace(agent_id, agent_books_from_json(agent_id, json, offline_after_us_));
  }
}

AgentBooks& BooksExtension::agent(const std::string& agent_id) {
  auto found = agents_.find(agent_id);
  if (found == agents_.end()) {
    found = agents_
                .emplace(agent_id, AgentBooks{acc::PositionBook(agent_id),
                                              acc::PerformanceTracker(),
                                              {},
                                              acc::OfflineDetector(agent_id, offline_after_us_),
                                              0,
                                              false,
                                              {}})
                .first;
  }
  return found->second;
}

void BooksExtension::touch(AgentBooks& books, const DecodedEvent& event) {
  books.changed = true;
  books.updated_at_us = event.occurred_at_us;
}

void BooksExtension::error(const DecodedEvent& event, const std::string& message) {
  acc::DerivedEvent derived;
  derived.type = "accounting_error";
  derived.severity = acc::Severity::kError;
  derived.message = "accounting refused event " + event.event.event_id() + ": " + message;
  derived.details = {{"agent_id", event.event.agent_id()},
                     {"event_id", event.event.event_id()},
                     {"partition", event.record.partition},
                     {"offset", event.record.offset},
                     {"error", message}};
  derived.occurred_at_us = event.occurred_at_us;
  events_.push_back(DerivedRow{&event, std::move(derived)});
}

void BooksExtension::apply(const DecodedEvent& event, const OrderState* order) {
  const Event& e = event.event;
  switch (e.payload_case()) {
    case Event::kAgentRegistered: {
      AgentBooks& books = agent(e.agent_id());
      books.book.set_initial_balance(decimal_or_zero(e.agent_registered().initial_balance()));
      touch(books, event);
      return;
    }
    case Event::kOrderFilled:
      if (order != nullptr) fill(event, *order);
      return;
    case Event::kAgentHeartbeat:
      heartbeat(event);
      return;
    case Event::kBalanceAdjusted:
      balance_adjusted(event);
      return;
    default:
      return;  // decisions (HOLD included), signals, other order events: no money moves
  }
}

void BooksExtension::fill(const DecodedEvent& event, const OrderState& order) {
  const ledger::v1::OrderFilled& f = event.event.order_filled();
  acc::Fill fill;
  fill.symbol = order.symbol;
  fill.side = order.side == "sell" ? acc::FillSide::kSell : acc::FillSide::kBuy;
  fill.price = decimal_or_zero(f.price());
  fill.quantity = decimal_or_zero(f.quantity());
  fill.fee = decimal_or_zero(f.fee());
  fill.occurred_at_us = event.occurred_at_us;
  fill.order_id = order.order_id;
  fill.decision_id = order.decision_id;
  fill.strategy_id = order.strategy_id;
  fill.fill_id = f.fill_id();
  fill.leverage = order.leverage;
  AgentBooks& books = agent(event.event.agent_id());
  const acc::Position* before = books.book.find(fill.symbol);
  const Decimal quantity_before = before != nullptr ? before->quantity : Decimal();
  const std::uint64_t number_before = before != nullptr ? before->number : 0;
  acc::Result<acc::ApplyResult> result = books.book.apply_fill(fill);
  if (!result.ok()) {
    error(event, describe(result.error()));
    return;
  }
  acc::ApplyResult& r = result.value();
  touch(books, event);
  std::optional<std::uint64_t> closed_number;
  if (r.change == acc::PositionChange::kClosed || r.change == acc::PositionChange::kFlipped) {
    closed_number = number_before;
  }
  changes_.push_back(PositionChangeRow{&event, r.position, r.change, closed_number, fill.side,
                                       fill.price, fill.quantity, quantity_before, fill.fee,
                                       r.realized_pnl_gross_delta, fill.fill_id, fill.order_id,
                                       fill.decision_id, fill.strategy_id});
  positions_[{event.event.agent_id(), fill.symbol}] = r.position;
  if (r.round_trip) {
    books.tracker.add_round_trip(*r.round_trip);
    if (!r.round_trip->strategy_id.empty()) {
      StrategyBooks& strategy = books.strategies[r.round_trip->strategy_id];
      strategy.tracker.add_round_trip(*r.round_trip);
      strategy.updated_at_us = r.round_trip->closed_at_us;
      books.changed_strategies.insert(r.round_trip->strategy_id);
    }
    round_trips_.push_back(RoundTripRow{&event, std::move(*r.round_trip)});
  }
  for (acc::DerivedEvent& derived : r.events) {
    events_.push_back(DerivedRow{&event, std::move(derived)});
  }
}

void BooksExtension::heartbeat(const DecodedEvent& event) {
  const ledger::v1::AgentHeartbeat& h = event.event.agent_heartbeat();
  AgentBooks& books = agent(event.event.agent_id());
  touch(books, event);
  // Marks in symbol order (the protobuf map's order is unspecified).
  std::vector<std::pair<std::string, std::string>> marks(h.marks().begin(), h.marks().end());
  std::sort(marks.begin(), marks.end());
  for (const auto& [symbol, price] : marks) {
    auto marked = books.book.apply_mark(symbol, decimal_or_zero(price), event.occurred_at_us);
    if (!marked.ok()) {
      error(event, describe(marked.error()));
    } else if (marked.value()) {
      positions_[{event.event.agent_id(), symbol}] = std::move(*marked.value());
    }
  }
  if (auto offline = books.detector.observe_heartbeat(event.occurred_at_us)) {
    events_.push_back(DerivedRow{&event, std::move(*offline)});
  }
  acc::Result<acc::EquitySnapshot> snapshot = books.book.snapshot(event.occurred_at_us);
  if (!snapshot.ok()) {
    error(event, describe(snapshot.error()));
    return;
  }
  books.tracker.add_snapshot(snapshot.value());
  snapshots_.push_back(SnapshotRow{&event, std::move(snapshot.value())});
}

void BooksExtension::balance_adjusted(const DecodedEvent& event) {
  const ledger::v1::BalanceAdjusted& b = event.event.balance_adjusted();
  acc::AdjustmentReason reason = acc::AdjustmentReason::kDeposit;
  switch (b.reason()) {
    case ledger::v1::BalanceAdjusted::DEPOSIT:
      reason = acc::AdjustmentReason::kDeposit;
      break;
    case ledger::v1::BalanceAdjusted::WITHDRAWAL:
      reason = acc::AdjustmentReason::kWithdrawal;
      break;
    case ledger::v1::BalanceAdjusted::FUNDING:
      reason = acc::AdjustmentReason::kFunding;
      break;
    default:
      error(event, "balance adjustment without a reason");
      return;
  }
  AgentBooks& books = agent(event.event.agent_id());
  auto result = books.book.apply_balance_adjustment(decimal_or_zero(b.amount()), reason,
                                                    event.occurred_at_us);
  if (!result.ok()) {
    error(event, describe(result.error()));
    return;
  }
  touch(books, event);
}

}  // namespace ledger::projector
