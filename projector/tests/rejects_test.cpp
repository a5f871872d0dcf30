// Rejects and parking through the real pipeline: every reason from a crafted event, each
// followed by a valid event that must still be projected (a poison event never stops the
// stream).
#include <gtest/gtest.h>

#include "harness.hpp"

namespace ledger::projector::testing {
namespace {

using ledger::v1::Event;

class RejectsTest : public ::testing::Test {
 protected:
  // Publishes `bad`, then a heartbeat that must be projected; remembers the heartbeat's id.
  void bad_then_good(const Event& bad) {
    h.publish(bad);
    good();
  }
  void good() {
    const Event beat = h.make(Event::kAgentHeartbeat);
    h.publish(beat);
    good_ids.push_back(beat.event_id());
  }
  // One event of every reject reason, in this order, each followed by a good heartbeat.
  void publish_one_of_every_reason() {
    h.publish(h.make(Event::kAgentRegistered));  // max_leverage 10
    Event e = h.make(Event::kOrderFilled);
    e.mutable_order_filled()->set_order_id("ghost");
    bad_then_good(e);  // fill_unknown_order
    e = h.make(Event::kOrderAccepted);
    e.mutable_order_accepted()->set_order_id("ghost");
    bad_then_good(e);  // order_unknown
    e = h.make(Event::kOrderPlaced);
    e.mutable_order_placed()->set_leverage(20);
    bad_then_good(e);  // leverage_above_max
    e = h.make(Event::kDecisionMade);
    e.mutable_decision_made()->set_confidence("1.01");
    bad_then_good(e);  // invalid_field (confidence outside 0..1)
    e = h.make(Event::kOrderPlaced);
    e.mutable_order_placed()->set_quantity("-1");
    bad_then_good(e);                        // invalid_field (negative quantity)
    h.publish(h.make(Event::kOrderPlaced));  // order-1, 0.5
    h.publish(h.make(Event::kOrderAccepted));
    bad_then_good(h.make(Event::kOrderPlaced));  // duplicate_order_id
    e = h.make(Event::kOrderFilled);
    e.mutable_order_filled()->set_quantity("0.6");
    bad_then_good(e);  // overfill
    e = h.make(Event::kOrderFilled);
    e.mutable_order_filled()->set_quantity("0.1");
    h.publish(e);  // fill-1 applied
    e = h.make(Event::kOrderFilled);
    e.mutable_order_filled()->set_quantity("0.1");
    bad_then_good(e);                              // duplicate_fill_id
    bad_then_good(h.make(Event::kOrderAccepted));  // invalid_transition
    h.publish(h.make(Event::kOrderCanceled));
    e = h.make(Event::kOrderFilled);
    e.mutable_order_filled()->set_fill_id("fill-late");
    e.mutable_order_filled()->set_quantity("0.1");
    bad_then_good(e);                             // fill_after_cancel
    bad_then_good(h.make(Event::kOrderExpired));  // transition_from_closed
    Event placed2 = h.make(Event::kOrderPlaced);
    placed2.mutable_order_placed()->set_order_id("order-2");
    h.publish(placed2);
    e = h.make(Event::kOrderFilled);
    e.mutable_order_filled()->set_order_id("order-2");
    h.publish(e);  // fills order-2 completely
    e = h.make(Event::kOrderFilled);
    e.mutable_order_filled()->set_order_id("order-2");
    e.mutable_order_filled()->set_fill_id("fill-again");
    bad_then_good(e);  // fill_closed_order
    h.publish_raw(std::string("\xff\xff\xff\x0f not protobuf", 17));
    good();  // undecodable
  }
  Harness h;
  std::vector<std::string> good_ids;
};

TEST_F(RejectsTest, EveryReasonIsRecordedAndTheStreamContinues) {
  publish_one_of_every_reason();
  const ProjectorStats stats = h.project();
  EXPECT_EQ(stats.events_rejected, 13);

  EXPECT_EQ(
      h.rows("reason", "rejects", "kafka_offset"),
      (std::vector<std::string>{"fill_unknown_order", "order_unknown", "leverage_above_max",
                                "invalid_field", "invalid_field", "duplicate_order_id", "overfill",
                                "duplicate_fill_id", "invalid_transition", "fill_after_cancel",
                                "transition_from_closed", "fill_closed_order", "undecodable"}));
  // Rejected events changed nothing.
  EXPECT_EQ(h.count("orders"), 2);
  EXPECT_EQ(
      h.value("SELECT status || ' ' || filled_quantity FROM orders WHERE order_id = 'order-1'"),
      "canceled 0.10000000");
  EXPECT_EQ(h.count("fills"), 2);
  EXPECT_EQ(h.count("decisions"), 0);
  // Every event after a bad one was projected.
  for (const std::string& id : good_ids) {
    EXPECT_EQ(h.count("heartbeats WHERE event_id = '" + id + "'"), 1) << id;
  }
  EXPECT_EQ(h.count("processed_events WHERE outcome = 'rejected'"), 12);
  EXPECT_EQ(h.value("SELECT next_offset FROM consumer_offsets"),
            h.value("SELECT max(kafka_offset) + 1 FROM event_archive"));
}

TEST_F(RejectsTest, EveryRejectKeepsItsCoordinatesBytesEventAndSystemEvent) {
  publish_one_of_every_reason();
  h.project();
  // Every reject has its coordinates, bytes and (when decodable) the decoded event.
  EXPECT_EQ(h.count("rejects WHERE kafka_topic = '" + h.topic() +
                    "' AND kafka_partition = 0 AND payload IS NOT NULL AND details <> ''"),
            13);
  EXPECT_EQ(h.count("rejects WHERE event_json IS NOT NULL AND event_json->>'event_id' = event_id"),
            12);
  EXPECT_EQ(
      h.rows("event_type, event_id, agent_id, event_json", "rejects WHERE reason = 'undecodable'"),
      std::vector<std::string>{"undecodable|NULL|NULL|NULL"});
  EXPECT_EQ(h.value("SELECT event_json->'orderFilled'->>'orderId' FROM rejects "
                    "WHERE reason = 'fill_unknown_order'") +
                h.value("SELECT event_json->'order_filled'->>'order_id' FROM rejects "
                        "WHERE reason = 'fill_unknown_order'"),
            "ghost");
  // A derived system event per reject, with the reason in its details.
  EXPECT_EQ(h.count("system_events s JOIN rejects r ON r.kafka_offset = s.kafka_offset "
                    "WHERE s.source = 'derived' AND s.event_type = 'projection_reject' "
                    "AND s.details->>'reason' = r.reason"),
            13);
}

// Valid by the contract but refused by PostgreSQL (here a CHECK constraint the test adds; in
// production e.g. a constraint or a type PostgreSQL enforces and the contract does not): the
// batch is retried one event at a time and that event alone becomes a write_failed reject.
TEST_F(RejectsTest, AnEventPostgresRefusesIsAWriteFailedRejectAndTheStreamContinues) {
  h.query("ALTER TABLE decisions ADD CONSTRAINT test_refuses CHECK (reasoning <> 'refuse this')");
  good();
  Event refused = h.make(Event::kDecisionMade);
  refused.mutable_decision_made()->set_reasoning("refuse this");
  bad_then_good(refused);
  const ProjectorStats stats = h.project();
  EXPECT_EQ(stats.write_failures, 1);
  EXPECT_EQ(stats.events_rejected, 1);
  // Its bytes and checked identity, not its text (the text is what PostgreSQL refused).
  EXPECT_EQ(
      h.rows("kafka_offset, event_type, event_id, agent_id, reason, event_json IS NULL", "rejects"),
      std::vector<std::string>{"1|decision_made|" + refused.event_id() +
                               "|NULL|write_failed|true"});
  EXPECT_EQ(h.rows("event_type, event_id::text, agent_id, session, sequence",
                   "event_archive WHERE kafka_offset = 1"),
            std::vector<std::string>{"decision_made|" + refused.event_id() + "|NULL|NULL|" +
                                     std::to_string(refused.sequence())});
  EXPECT_EQ(h.value("SELECT occurred_at = to_timestamp(" +
                    std::to_string(refused.occurred_at().seconds()) + " + " +
                    std::to_string(refused.occurred_at().nanos() / 1000) + " / 1e6) FROM rejects"),
            "t");
  EXPECT_NE(h.value("SELECT details FROM rejects"), "");
  EXPECT_EQ(h.value("SELECT payload = decode('" + hex(refused.SerializeAsString()) +
                    "', 'hex') FROM rejects"),
            "t");
  EXPECT_EQ(h.count("decisions"), 0);
  EXPECT_EQ(h.count("event_archive"), 3);
  for (const std::string& id : good_ids) {
    EXPECT_EQ(h.count("heartbeats WHERE event_id = '" + id + "'"), 1) << id;
  }
  EXPECT_EQ(h.value("SELECT next_offset FROM consumer_offsets"), "3");
}

// Text with a NUL byte (PostgreSQL text cannot hold one) is rejected by validation with the
// field named, before any write: not a write failure.
TEST_F(RejectsTest, TextWithANulByteIsAnInvalidFieldRejectNamingTheField) {
  good();
  Event bad = h.make(Event::kDecisionMade);
  bad.mutable_decision_made()->set_reasoning(std::string("before\0after", 12));
  bad_then_good(bad);
  const ProjectorStats stats = h.project();
  EXPECT_EQ(stats.write_failures, 0);
  EXPECT_EQ(stats.events_rejected, 1);
  EXPECT_EQ(h.rows("kafka_offset, event_id, reason", "rejects"),
            std::vector<std::string>{"1|" + bad.event_id() + "|invalid_field"});
  EXPECT_NE(h.value("SELECT details::text FROM rejects")
                .find("decision_made.reasoning: must not contain NUL bytes"),
            std::string::npos)
      << h.value("SELECT details::text FROM rejects");
  EXPECT_EQ(h.count("decisions"), 0);
  EXPECT_EQ(h.value("SELECT next_offset FROM consumer_offsets"), "3");
}

TEST_F(RejectsTest, UnknownPayloadIsParkedNotRejected) {
  Event newer = h.make(Event::kAgentHeartbeat);
  newer.clear_agent_heartbeat();
  std::string bytes = newer.SerializeAsString();
  bytes.append("\xa2\x06\x03\x0a\x01x", 6);  // field 100: a payload from a newer schema
  h.publish_raw(bytes);
  good();
  const ProjectorStats stats = h.project();
  EXPECT_EQ(stats.events_parked, 1);
  EXPECT_EQ(stats.events_rejected, 0);
  EXPECT_EQ(h.count("rejects"), 0);
  EXPECT_EQ(h.rows("kafka_partition, kafka_offset, event_id, agent_id, reason, replayed_at",
                   "parked_events"),
            std::vector<std::string>{"0|0|" + newer.event_id() + "|agent-1|unknown_payload|NULL"});
  EXPECT_EQ(h.value("SELECT payload = decode('" + hex(bytes) + "', 'hex') FROM parked_events"),
            "t");
  EXPECT_EQ(h.value("SELECT event_type FROM event_archive WHERE kafka_offset = 0"), "unknown");
  EXPECT_EQ(h.count("heartbeats WHERE event_id = '" + good_ids[0] + "'"), 1);
}

TEST_F(RejectsTest, SequenceGapIsADerivedSystemEvent) {
  Event first = h.make(Event::kAgentHeartbeat);
  h.publish(first);
  Event later = h.make(Event::kAgentHeartbeat);
  later.set_sequence(first.sequence() + 5);
  h.publish(later);
  h.project();
  EXPECT_EQ(h.count("rejects"), 0);
  EXPECT_EQ(h.rows("event_type, event_id, details->>'expected_sequence', details->>'sequence'",
                   "system_events WHERE source = 'derived'"),
            std::vector<std::string>{"sequence_gap|" + later.event_id() + "|2|6"});
  EXPECT_EQ(h.value("SELECT gap_count || ' ' || last_sequence FROM agent_streams"), "1 6");
}

}  // namespace
}  // namespace ledger::projector::testing
