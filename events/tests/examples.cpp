// One valid event per payload.
#include "examples.hpp"

#include <cassert>

#include "ledger/events/uuid.hpp"

namespace ledger::events::testing {
namespace {

using ledger::v1::Event;

constexpr std::int64_t kOccurredAtSeconds = 1'767'323'045;  // 2026-01-02T03:04:05Z

void set_struct_number(google::protobuf::Struct& s, const std::string& key, double value) {
  (*s.mutable_fields())[key].set_number_value(value);
}

void set_struct_text(google::protobuf::Struct& s, const std::string& key, const std::string& v) {
  (*s.mutable_fields())[key].set_string_value(v);
}

void fill_agent_registered(ledger::v1::AgentRegistered& p) {
  p.set_name("Trend Follower");
  p.set_llm_model("deepseek-chat");
  p.set_exchange_account("paper-account-1");
  p.set_initial_balance("10000");
  p.set_max_position_size_pct("25");
  p.set_max_leverage(10);
  p.set_stop_loss_pct("5");
  p.set_take_profit_pct("15.5");
  p.set_strategy_description("Follows the 4h trend with a 1h entry.");
  p.set_strategy_id("trend-v1");
  p.set_quote_currency("USD");
}

void fill_decision_made(ledger::v1::DecisionMade& p) {
  p.set_decision_id("0190f5a0-0000-7000-8000-000000000001");
  p.set_action(ledger::v1::DecisionMade::OPEN_LONG);
  p.set_symbol("BTC");
  p.set_size_usd("1000");
  p.set_leverage(2);
  p.set_stop_loss_price("58000");
  p.set_take_profit_price("66000.5");
  p.set_confidence("0.82");
  p.set_reasoning("Breakout above resistance with rising volume.");
  p.set_prompt_content("You are a trading agent...");
  p.set_llm_response("{\"action\":\"OPEN_LONG\"}");
  p.set_execution_time_ms(1200);
  p.set_status(ledger::v1::DecisionMade::SUCCESS);
  p.set_strategy_id("trend-v1");
}

void fill_signal_emitted(ledger::v1::SignalEmitted& p) {
  p.set_signal_id("0190f5a0-0000-7000-8000-000000000002");
  p.set_strategy_id("trend-v1");
  p.set_symbol("BTC");
  p.set_signal_type(ledger::v1::SignalEmitted::BUY);
  p.set_strength("0.7");
  p.set_confidence("0.65");
  p.set_price("60000");
  p.set_timeframe("1h");
  set_struct_number(*p.mutable_indicators(), "rsi", 28.5);
  set_struct_text(*p.mutable_parameters(), "mode", "breakout");
}

void fill_order_placed(ledger::v1::OrderPlaced& p) {
  p.set_order_id("order-1");
  p.set_decision_id("0190f5a0-0000-7000-8000-000000000001");
  p.set_strategy_id("trend-v1");
  p.set_symbol("BTC");
  p.set_side(ledger::v1::OrderPlaced::BUY);
  p.set_order_type(ledger::v1::OrderPlaced::LIMIT);
  p.set_quantity("0.5");
  p.set_price("60000");
  p.set_leverage(2);
  p.set_is_paper(true);
  p.set_signal_id("0190f5a0-0000-7000-8000-000000000002");
}

void fill_order_filled(ledger::v1::OrderFilled& p) {
  p.set_order_id("order-1");
  p.set_fill_id("fill-1");
  p.set_price("60000");
  p.set_quantity("0.5");
  p.set_fee("1.5");
  p.set_fee_currency("USD");
  p.set_liquidity(ledger::v1::OrderFilled::TAKER);
  p.set_exchange_trade_id("exchange-trade-1");
}

void fill_agent_heartbeat(ledger::v1::AgentHeartbeat& p) {
  p.set_status(ledger::v1::AgentHeartbeat::ONLINE);
  p.set_health_score("0.95");
  (*p.mutable_marks())["BTC"] = "61000";
  (*p.mutable_marks())["ETH"] = "3000.25";
  set_struct_number(*p.mutable_metadata(), "cpu_pct", 12.5);
}

void fill_balance_adjusted(ledger::v1::BalanceAdjusted& p) {
  p.set_amount("500");
  p.set_reason(ledger::v1::BalanceAdjusted::DEPOSIT);
  p.set_currency("USD");
  p.set_note("top-up");
}

void fill_system_event_reported(ledger::v1::SystemEventReported& p) {
  p.set_event_type("exchange_disconnected");
  p.set_severity(ledger::v1::SystemEventReported::WARNING);
  p.set_component("gateway");
  p.set_message("Lost the exchange websocket; reconnecting.");
  set_struct_number(*p.mutable_details(), "retry_in_ms", 500);
}

void fill_payload(Event& event, Event::PayloadCase payload_case) {
  switch (payload_case) {
    case Event::kAgentRegistered:
      return fill_agent_registered(*event.mutable_agent_registered());
    case Event::kAgentStatusChanged:
      event.mutable_agent_status_changed()->set_status(ledger::v1::AgentStatusChanged::ACTIVE);
      event.mutable_agent_status_changed()->set_reason("started");
      return;
    case Event::kDecisionMade:
      return fill_decision_made(*event.mutable_decision_made());
    case Event::kSignalEmitted:
      return fill_signal_emitted(*event.mutable_signal_emitted());
    case Event::kOrderPlaced:
      return fill_order_placed(*event.mutable_order_placed());
    case Event::kOrderAccepted:
      event.mutable_order_accepted()->set_order_id("order-1");
      event.mutable_order_accepted()->set_exchange_order_id("exchange-order-1");
      return;
    case Event::kOrderCanceled:
      event.mutable_order_canceled()->set_order_id("order-1");
      event.mutable_order_canceled()->set_reason("user canceled");
      return;
    case Event::kOrderRejected:
      event.mutable_order_rejected()->set_order_id("order-1");
      event.mutable_order_rejected()->set_reason("insufficient margin");
      return;
    case Event::kOrderExpired:
      event.mutable_order_expired()->set_order_id("order-1");
      event.mutable_order_expired()->set_reason("time in force elapsed");
      return;
    case Event::kOrderFilled:
      return fill_order_filled(*event.mutable_order_filled());
    case Event::kAgentHeartbeat:
      return fill_agent_heartbeat(*event.mutable_agent_heartbeat());
    case Event::kBalanceAdjusted:
      return fill_balance_adjusted(*event.mutable_balance_adjusted());
    case Event::kSystemEventReported:
      return fill_system_event_reported(*event.mutable_system_event_reported());
    case Event::PAYLOAD_NOT_SET:
      break;
  }
  assert(false && "valid_example: no payload case given");
}

}  // namespace

Event valid_example(Event::PayloadCase payload_case) {
  Event event;
  event.set_event_id(make_uuid_v7());
  event.set_agent_id("agent-1");
  event.mutable_occurred_at()->set_seconds(kOccurredAtSeconds);
  event.mutable_occurred_at()->set_nanos(123'000'000);
  event.set_session("session-1");
  event.set_sequence(1);
  event.set_correlation_id("0190f5a0-0000-7000-8000-000000000001");
  event.set_causation_id("0190f5a0-0000-7000-8000-000000000001");
  fill_payload(event, payload_case);
  return event;
}

}  // namespace ledger::events::testing
