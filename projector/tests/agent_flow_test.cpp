// An agent's own events through the real pipeline (Kafka -> Projector -> PostgreSQL): agents,
// agent_status, heartbeats, system_events, strategies, agent_streams and the archive, every
// column asserted.
#include <gtest/gtest.h>

#include "projected_once.hpp"

namespace ledger::projector::testing {
namespace {

struct AgentEvents {
  Event reg, status, beat1, beat2, sys, balance;
};

// An agent registers, pauses, beats twice, reports a system event and adjusts its balance.
class AgentFlow : public ProjectedOnce<AgentEvents> {
 protected:
  static void SetUpTestSuite() {
    h = new Harness();
    e = new AgentEvents();
    e->reg = h->make(Event::kAgentRegistered);
    e->status = h->make(Event::kAgentStatusChanged);
    e->status.mutable_agent_status_changed()->set_status(ledger::v1::AgentStatusChanged::PAUSED);
    e->status.mutable_agent_status_changed()->set_reason("maintenance");
    e->beat1 = h->make(Event::kAgentHeartbeat);
    e->beat2 = h->make(Event::kAgentHeartbeat);
    e->beat2.mutable_agent_heartbeat()->set_status(ledger::v1::AgentHeartbeat::DEGRADED);
    e->beat2.mutable_agent_heartbeat()->set_health_score("0.5");
    e->beat2.mutable_occurred_at()->set_seconds(e->beat2.occurred_at().seconds() + 60);
    e->sys = h->make(Event::kSystemEventReported);
    e->balance = h->make(Event::kBalanceAdjusted);
    publish_and_project({&e->reg, &e->status, &e->beat1, &e->beat2, &e->sys, &e->balance}, 6);
  }
};

TEST_F(AgentFlow, Agents) {
  EXPECT_EQ(h->rows("agent_id, name, llm_model, exchange_account, initial_balance, "
                    "max_position_size_pct, max_leverage, stop_loss_pct, take_profit_pct, "
                    "strategy_description, strategy_id, quote_currency, status, status_reason, "
                    "registered_at, first_seen_at, updated_at, last_event_id",
                    "agents"),
            std::vector<std::string>{
                join({"agent-1", "Trend Follower", "deepseek-chat", "paper-account-1",
                      "10000.00000000", "25.00000000", "10", "5.00000000", "15.50000000",
                      "Follows the 4h trend with a 1h entry.", "trend-v1", "USD", "paused",
                      "maintenance", kTime, kTime, kTime, e->status.event_id()})});
}

TEST_F(AgentFlow, AgentStatus) {
  EXPECT_EQ(h->rows("agent_id, status, health_score, last_heartbeat, metadata, marks, "
                    "heartbeat_count, updated_at, last_event_id",
                    "agent_status"),
            std::vector<std::string>{
                join({"agent-1", "degraded", "0.50000000", "2026-01-02 03:05:05.123+00",
                      "{\"cpu_pct\": 12.5}", "{\"BTC\": \"61000\", \"ETH\": \"3000.25\"}", "2",
                      "2026-01-02 03:05:05.123+00", e->beat2.event_id()})});
}

TEST_F(AgentFlow, Heartbeats) {
  EXPECT_EQ(
      h->rows("event_id, agent_id, occurred_at, status, health_score, marks, metadata, "
              "kafka_partition, kafka_offset",
              "heartbeats", "kafka_offset"),
      (std::vector<std::string>{
          join({e->beat1.event_id(), "agent-1", kTime, "online", "0.95000000",
                "{\"BTC\": \"61000\", \"ETH\": \"3000.25\"}", "{\"cpu_pct\": 12.5}", "0", "2"}),
          join({e->beat2.event_id(), "agent-1", "2026-01-02 03:05:05.123+00", "degraded",
                "0.50000000", "{\"BTC\": \"61000\", \"ETH\": \"3000.25\"}", "{\"cpu_pct\": 12.5}",
                "0", "3"})}));
}

TEST_F(AgentFlow, SystemEvents) {
  EXPECT_EQ(
      h->rows("event_id, source, event_type, severity, component, message, details, "
              "agent_id, occurred_at, kafka_partition, kafka_offset",
              "system_events"),
      std::vector<std::string>{join({e->sys.event_id(), "agent", "exchange_disconnected", "warning",
                                     "gateway", "Lost the exchange websocket; reconnecting.",
                                     "{\"retry_in_ms\": 500}", "agent-1", kTime, "0", "4"})});
}

TEST_F(AgentFlow, StrategiesAndStreams) {
  EXPECT_EQ(
      h->rows("agent_id, strategy_id, first_seen_at, last_seen_at, decision_count, "
              "signal_count, order_count, fill_count",
              "strategies"),
      std::vector<std::string>{join({"agent-1", "trend-v1", kTime, kTime, "0", "0", "0", "0"})});
  EXPECT_EQ(h->rows("agent_id, session, last_sequence, last_event_id, first_seen_at, updated_at, "
                    "event_count, gap_count, duplicate_count",
                    "agent_streams"),
            std::vector<std::string>{join({"agent-1", "session-1", "6", e->balance.event_id(),
                                           kTime, kTime, "6", "0", "0"})});
}

// The archive holds every event's bytes and coordinates; processed_events every id.
TEST_F(AgentFlow, ArchiveProcessedEventsAndOffsets) {
  EXPECT_EQ(
      h->rows("event_id, agent_id, event_type, occurred_at, session, sequence, "
              "correlation_id, causation_id, kafka_topic, kafka_partition, kafka_offset",
              "event_archive WHERE kafka_offset = 5"),
      std::vector<std::string>{join({e->balance.event_id(), "agent-1", "balance_adjusted", kTime,
                                     "session-1", "6", kUuid1, kUuid1, h->topic(), "0", "5"})});
  EXPECT_EQ(h->value("SELECT encode(payload, 'hex') FROM event_archive WHERE kafka_offset = 0"),
            hex(e->reg.SerializeAsString()));
  EXPECT_EQ(h->count("event_archive"), 6);
  EXPECT_EQ(h->rows("outcome, count(*)", "processed_events GROUP BY outcome"),
            std::vector<std::string>{"projected|6"});
  EXPECT_EQ(
      h->rows("consumer_group, kafka_topic, kafka_partition, next_offset", "consumer_offsets"),
      std::vector<std::string>{join({h->group, h->topic(), "0", "6"})});
}

}  // namespace
}  // namespace ledger::projector::testing
