// BooksExtension: the accounting ProjectionExtension (see ledger/projector/books.hpp).
// Internal to projector/src: books_extension.cpp (load, apply), books_write.cpp (write).
// Not thread-safe: one Projector's thread.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ledger/projector/accounting/offline_detector.hpp"
#include "ledger/projector/accounting/performance.hpp"
#include "ledger/projector/accounting/position_book.hpp"
#include "ledger/projector/books/books.hpp"

namespace ledger::projector {

namespace acc = accounting;

// One strategy's round trips within one agent's books.
struct StrategyBooks {
  acc::PerformanceTracker tracker;
  acc::TimeUs updated_at_us = 0;  // closed_at of its latest round trip
};

// One agent's books, as restored from accounting_state (or fresh) and changed by the batch.
struct AgentBooks {
  acc::PositionBook book;
  acc::PerformanceTracker tracker;                  // every round trip + every snapshot
  std::map<std::string, StrategyBooks> strategies;  // by strategy_id
  acc::OfflineDetector detector;
  acc::TimeUs updated_at_us = 0;  // event time of the latest change
  bool changed = false;           // state and summary rows to write
  std::set<std::string> changed_strategies;
};

// One fill's effect (a position_changes row).
struct PositionChangeRow {
  const DecodedEvent* event;
  acc::Position after;
  acc::PositionChange change;
  std::optional<std::uint64_t> closed_number;
  acc::FillSide fill_side;
  Decimal fill_price, fill_quantity, quantity_before, fee;
  acc::Amount realized_delta;
  std::string fill_id, order_id, decision_id, strategy_id;
};

struct RoundTripRow {
  const DecodedEvent* event;  // the closing fill
  acc::RoundTrip trip;
};

struct SnapshotRow {
  const DecodedEvent* event;  // the heartbeat
  acc::EquitySnapshot snapshot;
};

struct DerivedRow {
  const DecodedEvent* source;
  acc::DerivedEvent event;
};

class BooksExtension final : public ProjectionExtension {
 public:
  explicit BooksExtension(const ExtensionOptions& options);

  std::string_view name() const override { return "books"; }
  void load(pqxx::dbtransaction& tx, const BatchKeys& keys) override;
  void apply(const DecodedEvent& event, const OrderState* order) override;
  void write(pqxx::dbtransaction& tx) override;
  void reset() override;

 private:
  AgentBooks& agent(const std::string& agent_id);
  void touch(AgentBooks& books, const DecodedEvent& event);
  void fill(const DecodedEvent& event, const OrderState& order);
  void heartbeat(const DecodedEvent& event);
  void balance_adjusted(const DecodedEvent& event);
  void error(const DecodedEvent& event, const std::string& message);

  // books_write.cpp
  void write_state(pqxx::dbtransaction& tx);
  void write_positions(pqxx::dbtransaction& tx);
  void write_changes(pqxx::dbtransaction& tx);
  void write_round_trips(pqxx::dbtransaction& tx);
  void write_snapshots(pqxx::dbtransaction& tx);
  void write_summaries(pqxx::dbtransaction& tx);
  void write_strategies(pqxx::dbtransaction& tx);
  void write_events(pqxx::dbtransaction& tx);

  acc::TimeUs offline_after_us_;
  acc::StatisticsPolicy statistics_;          // minimum history and annualisation of the summaries
  std::map<std::string, AgentBooks> agents_;  // loaded and touched agents
  std::map<std::pair<std::string, std::string>, acc::Position> positions_;  // final images
  std::vector<PositionChangeRow> changes_;
  std::vector<RoundTripRow> round_trips_;
  std::vector<SnapshotRow> snapshots_;
  std::vector<DerivedRow> events_;
};

// The complete exact state of one agent's books as JSON (accounting/state_json.hpp inside).
nlohmann::json agent_books_to_json(const AgentBooks& books);
// REQUIRES nothing of `json`; an unreadable state throws std::runtime_error naming the agent.
AgentBooks agent_books_from_json(const std::string& agent_id, const nlohmann::json& json,
                                 acc::TimeUs offline_after_us);

}  // namespace ledger::projector
