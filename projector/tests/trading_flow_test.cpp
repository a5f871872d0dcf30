// Decisions, signals, orders and fills through the real pipeline (Kafka -> Projector ->
// PostgreSQL): every column of decisions, signals, orders (one test per outcome), fills,
// order_events and what they derive.
#include <gtest/gtest.h>

#include "projected_once.hpp"

namespace ledger::projector::testing {
namespace {

struct TradingEvents {
  Event reg, decision, signal, placed, accepted, fill1, fill2, placed2, canceled, placed3, rejected,
      placed4, expired;
};

// A decision, a signal, and four orders: filled in two fills, canceled, rejected, expired.
class TradingFlow : public ProjectedOnce<TradingEvents> {
 protected:
  static void SetUpTestSuite() {
    h = new Harness();
    e = new TradingEvents();
    e->reg = h->make(Event::kAgentRegistered);
    e->decision = h->make(Event::kDecisionMade);
    e->signal = h->make(Event::kSignalEmitted);
    e->placed = h->make(Event::kOrderPlaced);  // order-1: buy 0.5 BTC limit 60000
    e->accepted = h->make(Event::kOrderAccepted);
    e->fill1 = h->make(Event::kOrderFilled);
    e->fill1.mutable_order_filled()->set_quantity("0.2");
    e->fill2 = h->make(Event::kOrderFilled);
    e->fill2.mutable_order_filled()->set_fill_id("fill-2");
    e->fill2.mutable_order_filled()->set_quantity("0.3");
    e->fill2.mutable_order_filled()->set_price("60010");
    e->fill2.mutable_order_filled()->set_fee("0.5");
    e->fill2.mutable_order_filled()->set_liquidity(ledger::v1::OrderFilled::MAKER);
    e->fill2.mutable_occurred_at()->set_seconds(e->fill2.occurred_at().seconds() + 10);
    e->placed2 = h->make(Event::kOrderPlaced);
    e->placed2.mutable_order_placed()->set_order_id("order-2");
    e->placed2.mutable_order_placed()->set_order_type(ledger::v1::OrderPlaced::MARKET);
    e->placed2.mutable_order_placed()->clear_price();
    e->placed2.mutable_order_placed()->set_side(ledger::v1::OrderPlaced::SELL);
    e->canceled = h->make(Event::kOrderCanceled);
    e->canceled.mutable_order_canceled()->set_order_id("order-2");
    e->placed3 = h->make(Event::kOrderPlaced);
    e->placed3.mutable_order_placed()->set_order_id("order-3");
    e->rejected = h->make(Event::kOrderRejected);
    e->rejected.mutable_order_rejected()->set_order_id("order-3");
    e->placed4 = h->make(Event::kOrderPlaced);
    e->placed4.mutable_order_placed()->set_order_id("order-4");
    e->expired = h->make(Event::kOrderExpired);
    e->expired.mutable_order_expired()->set_order_id("order-4");
    publish_and_project(
        {&e->reg, &e->decision, &e->signal, &e->placed, &e->accepted, &e->fill1, &e->fill2,
         &e->placed2, &e->canceled, &e->placed3, &e->rejected, &e->placed4, &e->expired},
        13);
  }
  static std::vector<std::string> order(const std::string& order_id) {
    return h->rows(
        "agent_id, order_id, decision_id, strategy_id, signal_id, symbol, side, order_type, "
        "quantity, price, stop_price, leverage, is_paper, status, exchange_order_id, "
        "filled_quantity, remaining_quantity, average_fill_price, fees_paid, fill_count, "
        "placed_at, accepted_at, first_fill_at, last_fill_at, filled_at, canceled_at, "
        "rejected_at, expired_at, closed_at, reason, correlation_id, updated_at, "
        "last_event_id",
        "orders WHERE order_id = '" + order_id + "'");
  }
  static inline const std::string t2 = "2026-01-02 03:04:15.123+00";
};

TEST_F(TradingFlow, Decisions) {
  EXPECT_EQ(h->rows("decision_id, agent_id, occurred_at, status, action, symbol, size_usd, "
                    "leverage, stop_loss_price, take_profit_price, confidence, reasoning, "
                    "prompt_content, llm_response, execution_time_ms, error_message, strategy_id, "
                    "event_id, correlation_id, causation_id, kafka_partition, kafka_offset",
                    "decisions"),
            std::vector<std::string>{join({kUuid1,
                                           "agent-1",
                                           kTime,
                                           "success",
                                           "OPEN_LONG",
                                           "BTC",
                                           "1000.00000000",
                                           "2",
                                           "58000.00000000",
                                           "66000.50000000",
                                           "0.82000000",
                                           "Breakout above resistance with rising volume.",
                                           "You are a trading agent...",
                                           "{\"action\":\"OPEN_LONG\"}",
                                           "1200",
                                           "NULL",
                                           "trend-v1",
                                           e->decision.event_id(),
                                           kUuid1,
                                           kUuid1,
                                           "0",
                                           "1"})});
}

TEST_F(TradingFlow, Signals) {
  EXPECT_EQ(h->rows("signal_id, agent_id, strategy_id, symbol, signal_type, strength, confidence, "
                    "price, timeframe, indicators, parameters, occurred_at, event_id, "
                    "correlation_id, kafka_partition, kafka_offset",
                    "signals"),
            std::vector<std::string>{
                join({kUuid2, "agent-1", "trend-v1", "BTC", "buy", "0.70000000", "0.65000000",
                      "60000.00000000", "1h", "{\"rsi\": 28.5}", "{\"mode\": \"breakout\"}", kTime,
                      e->signal.event_id(), kUuid1, "0", "2"})});
}

TEST_F(TradingFlow, FilledOrder) {
  EXPECT_EQ(order("order-1"), std::vector<std::string>{join({"agent-1",
                                                             "order-1",
                                                             kUuid1,
                                                             "trend-v1",
                                                             kUuid2,
                                                             "BTC",
                                                             "buy",
                                                             "limit",
                                                             "0.50000000",
                                                             "60000.00000000",
                                                             "NULL",
                                                             "2",
                                                             "true",
                                                             "filled",
                                                             "exchange-order-1",
                                                             "0.50000000",
                                                             "0.00000000",
                                                             "60006.00000000",
                                                             "2.00000000",
                                                             "2",
                                                             kTime,
                                                             kTime,
                                                             kTime,
                                                             t2,
                                                             t2,
                                                             "NULL",
                                                             "NULL",
                                                             "NULL",
                                                             t2,
                                                             "NULL",
                                                             kUuid1,
                                                             t2,
                                                             e->fill2.event_id()})});
}

TEST_F(TradingFlow, CanceledOrder) {
  EXPECT_EQ(order("order-2"),
            std::vector<std::string>{join({"agent-1",    "order-2",    kUuid1,
                                           "trend-v1",   kUuid2,       "BTC",
                                           "sell",       "market",     "0.50000000",
                                           "NULL",       "NULL",       "2",
                                           "true",       "canceled",   "NULL",
                                           "0.00000000", "0.50000000", "NULL",
                                           "0.00000000", "0",          kTime,
                                           "NULL",       "NULL",       "NULL",
                                           "NULL",       kTime,        "NULL",
                                           "NULL",       kTime,        "user canceled",
                                           kUuid1,       kTime,        e->canceled.event_id()})});
}

TEST_F(TradingFlow, RejectedOrder) {
  EXPECT_EQ(order("order-3"), std::vector<std::string>{join({"agent-1",
                                                             "order-3",
                                                             kUuid1,
                                                             "trend-v1",
                                                             kUuid2,
                                                             "BTC",
                                                             "buy",
                                                             "limit",
                                                             "0.50000000",
                                                             "60000.00000000",
                                                             "NULL",
                                                             "2",
                                                             "true",
                                                             "rejected",
                                                             "NULL",
                                                             "0.00000000",
                                                             "0.50000000",
                                                             "NULL",
                                                             "0.00000000",
                                                             "0",
                                                             kTime,
                                                             "NULL",
                                                             "NULL",
                                                             "NULL",
                                                             "NULL",
                                                             "NULL",
                                                             kTime,
                                                             "NULL",
                                                             kTime,
                                                             "insufficient margin",
                                                             kUuid1,
                                                             kTime,
                                                             e->rejected.event_id()})});
}

TEST_F(TradingFlow, ExpiredOrder) {
  EXPECT_EQ(order("order-4"), std::vector<std::string>{join({"agent-1",
                                                             "order-4",
                                                             kUuid1,
                                                             "trend-v1",
                                                             kUuid2,
                                                             "BTC",
                                                             "buy",
                                                             "limit",
                                                             "0.50000000",
                                                             "60000.00000000",
                                                             "NULL",
                                                             "2",
                                                             "true",
                                                             "expired",
                                                             "NULL",
                                                             "0.00000000",
                                                             "0.50000000",
                                                             "NULL",
                                                             "0.00000000",
                                                             "0",
                                                             kTime,
                                                             "NULL",
                                                             "NULL",
                                                             "NULL",
                                                             "NULL",
                                                             "NULL",
                                                             "NULL",
                                                             kTime,
                                                             kTime,
                                                             "time in force elapsed",
                                                             kUuid1,
                                                             kTime,
                                                             e->expired.event_id()})});
}

TEST_F(TradingFlow, Fills) {
  EXPECT_EQ(h->rows("agent_id, order_id, fill_id, symbol, side, price, quantity, fee, "
                    "fee_currency, liquidity, exchange_trade_id, notional, occurred_at, "
                    "decision_id, strategy_id, is_paper, event_id, correlation_id, "
                    "kafka_partition, kafka_offset",
                    "fills", "kafka_offset"),
            (std::vector<std::string>{join({"agent-1",
                                            "order-1",
                                            "fill-1",
                                            "BTC",
                                            "buy",
                                            "60000.00000000",
                                            "0.20000000",
                                            "1.50000000",
                                            "USD",
                                            "taker",
                                            "exchange-trade-1",
                                            "12000.00000000",
                                            kTime,
                                            kUuid1,
                                            "trend-v1",
                                            "true",
                                            e->fill1.event_id(),
                                            kUuid1,
                                            "0",
                                            "5"}),
                                      join({"agent-1",
                                            "order-1",
                                            "fill-2",
                                            "BTC",
                                            "buy",
                                            "60010.00000000",
                                            "0.30000000",
                                            "0.50000000",
                                            "USD",
                                            "maker",
                                            "exchange-trade-1",
                                            "18003.00000000",
                                            t2,
                                            kUuid1,
                                            "trend-v1",
                                            "true",
                                            e->fill2.event_id(),
                                            kUuid1,
                                            "0",
                                            "6"})}));
}

TEST_F(TradingFlow, OrderEvents) {
  EXPECT_EQ(h->rows("order_id, event_type, from_status, to_status, reason, fill_id, occurred_at, "
                    "event_id, kafka_partition, kafka_offset",
                    "order_events WHERE order_id IN ('order-1', 'order-3')", "kafka_offset"),
            (std::vector<std::string>{
                join({"order-1", "order_placed", "NULL", "new", "NULL", "NULL", kTime,
                      e->placed.event_id(), "0", "3"}),
                join({"order-1", "order_accepted", "new", "accepted", "NULL", "NULL", kTime,
                      e->accepted.event_id(), "0", "4"}),
                join({"order-1", "order_filled", "accepted", "partially_filled", "NULL", "fill-1",
                      kTime, e->fill1.event_id(), "0", "5"}),
                join({"order-1", "order_filled", "partially_filled", "filled", "NULL", "fill-2", t2,
                      e->fill2.event_id(), "0", "6"}),
                join({"order-3", "order_placed", "NULL", "new", "NULL", "NULL", kTime,
                      e->placed3.event_id(), "0", "9"}),
                join({"order-3", "order_rejected", "new", "rejected", "insufficient margin", "NULL",
                      kTime, e->rejected.event_id(), "0", "10"})}));
  EXPECT_EQ(h->count("order_events"), 10);
}

TEST_F(TradingFlow, DerivedSystemEventsAndStrategies) {
  EXPECT_EQ(h->rows("event_type, severity, component, agent_id, kafka_offset, "
                    "details->>'order_id', details->>'reason'",
                    "system_events WHERE source = 'derived'"),
            std::vector<std::string>{join({"order_rejected", "warning", "projector", "agent-1",
                                           "10", "order-3", "insufficient margin"})});
  EXPECT_EQ(h->rows("strategy_id, decision_count, signal_count, order_count, fill_count, "
                    "first_seen_at, last_seen_at",
                    "strategies"),
            std::vector<std::string>{join({"trend-v1", "1", "1", "4", "2", kTime, t2})});
}

}  // namespace
}  // namespace ledger::projector::testing
