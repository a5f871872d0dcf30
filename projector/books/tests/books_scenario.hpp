// The books tests' scenario (hand computed in hand_computed_books_test.cpp): the events of one
// agent trading BTC, published through the test harness, and the helpers that project them with
// the books and read every books table back as text.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "harness.hpp"
#include "ledger/projector/books/books.hpp"

namespace ledger::projector::testing {

using ledger::v1::Event;

constexpr std::int64_t kT0 = 1'767'323'045;  // 2026-01-02T03:04:05Z
inline const std::string kD1 = "0190f5a0-0000-7000-8000-0000000000d1";
inline const std::string kD2 = "0190f5a0-0000-7000-8000-0000000000d2";
inline const std::string kD3 = "0190f5a0-0000-7000-8000-0000000000d3";
inline const std::string kD4 = "0190f5a0-0000-7000-8000-0000000000d4";
inline const std::string kD5 = "0190f5a0-0000-7000-8000-0000000000d5";

// "2026-01-02 03:04:05+00" + offset_s, as PostgreSQL prints a timestamptz in UTC.
inline std::string ts(std::int64_t offset_s) {
  const std::time_t t = static_cast<std::time_t>(kT0 + offset_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S+00", &tm);
  return text;
}

class Scenario {
 public:
  explicit Scenario(Harness& h) : h_(h) {}

  Event at(Event event, std::int64_t offset_s) {
    event.mutable_occurred_at()->set_seconds(kT0 + offset_s);
    event.mutable_occurred_at()->set_nanos(0);
    return event;
  }
  Event decision(const std::string& id, ledger::v1::DecisionMade::Action action,
                 std::int64_t offset_s) {
    Event e = h_.make(Event::kDecisionMade);
    e.mutable_decision_made()->set_decision_id(id);
    e.mutable_decision_made()->set_action(action);
    return at(e, offset_s);
  }
  Event place(const std::string& order, const std::string& decision, bool buy,
              const std::string& quantity, std::int64_t offset_s) {
    Event e = h_.make(Event::kOrderPlaced);
    auto* p = e.mutable_order_placed();
    p->set_order_id(order);
    p->set_decision_id(decision);
    p->set_side(buy ? ledger::v1::OrderPlaced::BUY : ledger::v1::OrderPlaced::SELL);
    p->set_order_type(ledger::v1::OrderPlaced::MARKET);
    p->clear_price();
    p->set_quantity(quantity);
    p->set_leverage(2);
    return at(e, offset_s);
  }
  Event fill(const std::string& order, const std::string& fill, const std::string& price,
             const std::string& quantity, const std::string& fee, std::int64_t offset_s) {
    Event e = h_.make(Event::kOrderFilled);
    auto* f = e.mutable_order_filled();
    f->set_order_id(order);
    f->set_fill_id(fill);
    f->set_price(price);
    f->set_quantity(quantity);
    f->set_fee(fee);
    return at(e, offset_s);
  }
  Event heartbeat(const std::string& btc_mark, std::int64_t offset_s) {
    Event e = h_.make(Event::kAgentHeartbeat);
    e.mutable_agent_heartbeat()->mutable_marks()->clear();
    (*e.mutable_agent_heartbeat()->mutable_marks())["BTC"] = btc_mark;
    return at(e, offset_s);
  }

  std::vector<Event> events() {
    using A = ledger::v1::DecisionMade;
    Event deposit = h_.make(Event::kBalanceAdjusted);
    deposit.mutable_balance_adjusted()->set_amount("1000");
    return {at(h_.make(Event::kAgentRegistered), 0),
            decision(kD1, A::OPEN_LONG, 1),
            place("O1", kD1, true, "1", 2),
            fill("O1", "F1", "100", "1", "0.1", 3),
            place("O2", kD2, true, "1", 4),
            fill("O2", "F2", "110", "1", "0.11", 5),
            heartbeat("120", 60),
            decision(kD5, A::HOLD, 70),
            place("O3", kD3, false, "0.5", 80),
            fill("O3", "F3", "130", "0.5", "0.065", 90),
            at(deposit, 100),
            place("O4", kD4, false, "2.5", 110),
            fill("O4", "F4", "120", "2.5", "0.3", 120),
            heartbeat("110", 180),
            heartbeat("100", 400)};
  }

 private:
  Harness& h_;
};

inline ProjectorStats project_with_books(Harness& h, std::size_t batch_events_max,
                                         ExtensionOptions extension_options = {}) {
  ProjectorOptions options = h.options();
  options.batch_events_max = batch_events_max;
  Projector projector(options);
  const auto extensions = make_standard_extensions(extension_options);
  for (const auto& extension : extensions) projector.add_extension(extension.get());
  return projector.run_until_caught_up(60'000);
}

// Every row of every books table as text, for comparing two databases.
inline std::vector<std::string> books_tables(Harness& h) {
  std::vector<std::string> out;
  for (const char* table :
       {"positions", "position_changes", "closed_positions", "performance_snapshots",
        "performance_summary", "strategy_performance", "accounting_state"}) {
    for (const std::string& row :
         h.rows(std::string(table) + "::text", std::string(table) + " " + table)) {
      out.push_back(std::string(table) + ": " + row);
    }
  }
  for (const std::string& row :
       h.rows("event_type, agent_id, occurred_at, message, details::text, kafka_offset",
              "system_events WHERE component = 'accounting'")) {
    out.push_back("system_events: " + row);
  }
  return out;
}

}  // namespace ledger::projector::testing
