// apply_batch(): the pure core, without Kafka or PostgreSQL. Each test folds a few events and
// checks the rows and state the writer would get.
#include "ledger/projector/apply.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "examples.hpp"

namespace ledger::projector {
namespace {

using ledger::v1::Event;

class ApplyTest : public ::testing::Test {
 protected:
  // Adds `event` as the next record of partition 0.
  void add(const Event& event) {
    bytes_.push_back(event.SerializeAsString());
    add_raw(bytes_.back());
  }
  void add_raw(const std::string& bytes) {
    if (&bytes != &bytes_.back()) bytes_.push_back(bytes);
    Record record;
    record.offset = static_cast<std::int64_t>(decoded_.size());
    record.value = bytes_.back();
    record.timestamp_ms = 1'700'000'000'000;
    decoded_.emplace_back();
    decode_record(record, decoded_.back());
  }
  Event make(Event::PayloadCase payload_case) {
    Event event = events::valid_example(payload_case);
    event.set_sequence(++sequence_);
    return event;
  }
  void run() {
    std::vector<DecodedEvent> events(decoded_.begin(), decoded_.end());
    events_ = std::move(events);
    apply_batch(events_, state_, rows_);
  }
  std::vector<std::string> reasons() const {
    std::vector<std::string> out;
    for (const RejectRow& row : rows_.rejects) out.push_back(reject_reason_name(row.reason));
    return out;
  }

  std::deque<std::string> bytes_;
  std::deque<DecodedEvent> decoded_;
  std::vector<DecodedEvent> events_;
  ProjectionState state_;
  BatchRows rows_;
  std::uint64_t sequence_ = 0;
};

TEST_F(ApplyTest, OrderLifecycleComputesFilledRemainingAverageAndFees) {
  add(make(Event::kOrderPlaced));  // quantity 0.5 @ 60000 limit
  add(make(Event::kOrderAccepted));
  Event fill1 = make(Event::kOrderFilled);
  fill1.mutable_order_filled()->set_quantity("0.2");
  fill1.mutable_order_filled()->set_price("60000");
  fill1.mutable_order_filled()->set_fee("1");
  add(fill1);
  Event fill2 = make(Event::kOrderFilled);
  fill2.mutable_order_filled()->set_fill_id("fill-2");
  fill2.mutable_order_filled()->set_quantity("0.3");
  fill2.mutable_order_filled()->set_price("60001");
  fill2.mutable_order_filled()->set_fee("0.5");
  add(fill2);
  run();
  ASSERT_TRUE(rows_.rejects.empty()) << reasons()[0];
  const OrderState& order = state_.orders.at({"agent-1", "order-1"});
  EXPECT_EQ(order.status, OrderStatus::kFilled);
  EXPECT_EQ(order.filled_quantity.to_string(), "0.5");
  EXPECT_EQ(order.remaining_quantity().to_string(), "0");
  // (0.2*60000 + 0.3*60001) / 0.5 = 60000.6
  EXPECT_EQ(order.average_fill_price->to_string(), "60000.6");
  EXPECT_EQ(order.fees_total.to_string(), "1.5");
  EXPECT_EQ(order.fill_count, 2);
  EXPECT_TRUE(order.accepted_at_us && order.filled_at_us && order.first_fill_at_us);
  ASSERT_EQ(rows_.fills.size(), 2u);
  EXPECT_EQ(rows_.fills[1].notional.to_string(), "18000.3");
  ASSERT_EQ(rows_.order_events.size(), 4u);
  EXPECT_EQ(rows_.order_events[2].to_status, OrderStatus::kPartiallyFilled);
  EXPECT_EQ(*rows_.order_events[3].from_status, OrderStatus::kPartiallyFilled);
  EXPECT_EQ(rows_.projected, 4);
  EXPECT_EQ(rows_.archive.size(), 4u);
  EXPECT_EQ(rows_.processed.size(), 4u);
}

TEST_F(ApplyTest, EveryStateMachineBreachIsRejectedAndChangesNothing) {
  Event reg = make(Event::kAgentRegistered);  // max_leverage 10
  add(reg);
  Event unknown_fill = make(Event::kOrderFilled);
  unknown_fill.mutable_order_filled()->set_order_id("nope");
  add(unknown_fill);  // fill_unknown_order
  Event unknown_cancel = make(Event::kOrderCanceled);
  unknown_cancel.mutable_order_canceled()->set_order_id("nope");
  add(unknown_cancel);  // order_unknown
  Event high = make(Event::kOrderPlaced);
  high.mutable_order_placed()->set_order_id("high");
  high.mutable_order_placed()->set_leverage(50);
  add(high);  // leverage_above_max
  Event decision = make(Event::kDecisionMade);
  decision.mutable_decision_made()->set_leverage(11);
  add(decision);                   // leverage_above_max
  add(make(Event::kOrderPlaced));  // order-1, 0.5
  add(make(Event::kOrderPlaced));  // duplicate_order_id (a different event_id)
  add(make(Event::kOrderAccepted));
  add(make(Event::kOrderAccepted));  // invalid_transition
  Event over = make(Event::kOrderFilled);
  over.mutable_order_filled()->set_quantity("0.6");
  add(over);  // overfill
  Event part = make(Event::kOrderFilled);
  part.mutable_order_filled()->set_quantity("0.1");
  add(part);
  Event dup_fill = make(Event::kOrderFilled);
  dup_fill.mutable_order_filled()->set_quantity("0.1");
  add(dup_fill);  // duplicate_fill_id (fill-1 again)
  add(make(Event::kOrderCanceled));
  Event after_cancel = make(Event::kOrderFilled);
  after_cancel.mutable_order_filled()->set_fill_id("fill-9");
  add(after_cancel);                // fill_after_cancel
  add(make(Event::kOrderExpired));  // transition_from_closed
  Event bad = make(Event::kDecisionMade);
  bad.mutable_decision_made()->set_confidence("1.5");
  add(bad);                                          // invalid_field
  add_raw(std::string("\xff\xff\xff garbage", 12));  // undecodable
  run();
  EXPECT_EQ(reasons(),
            (std::vector<std::string>{
                "fill_unknown_order", "order_unknown", "leverage_above_max", "leverage_above_max",
                "duplicate_order_id", "invalid_transition", "overfill", "duplicate_fill_id",
                "fill_after_cancel", "transition_from_closed", "invalid_field", "undecodable"}));
  const OrderState& order = state_.orders.at({"agent-1", "order-1"});
  EXPECT_EQ(order.status, OrderStatus::kCanceled);
  EXPECT_EQ(order.filled_quantity.to_string(), "0.1");
  EXPECT_EQ(state_.orders.count({"agent-1", "high"}), 0u);
  EXPECT_TRUE(rows_.decisions.empty());
  EXPECT_EQ(rows_.fills.size(), 1u);
  EXPECT_EQ(rows_.projected, 5);  // registration, placement, accept, partial fill, cancel
  std::size_t derived_rejects = 0;
  for (const auto& d : rows_.derived_system_events) {
    if (d.event_type == "projection_reject") ++derived_rejects;
  }
  EXPECT_EQ(derived_rejects, rows_.rejects.size());
}

TEST_F(ApplyTest, FillOfAClosedOrderIsRejected) {
  add(make(Event::kOrderPlaced));
  add(make(Event::kOrderRejected));
  Event fill = make(Event::kOrderFilled);
  add(fill);
  run();
  EXPECT_EQ(reasons(), std::vector<std::string>{"fill_closed_order"});
  ASSERT_EQ(rows_.derived_system_events.size(), 2u);
  EXPECT_EQ(rows_.derived_system_events[0].event_type, "order_rejected");
}

TEST_F(ApplyTest, DuplicatesChangeNothingAndArchivedOffsetsAreSkipped) {
  const Event placed = make(Event::kOrderPlaced);
  add(placed);
  add(placed);  // same event_id again in the batch
  run();
  EXPECT_EQ(rows_.duplicates, 1);
  EXPECT_EQ(rows_.projected, 1);
  EXPECT_EQ(rows_.order_events.size(), 1u);
  EXPECT_EQ(rows_.archive.size(), 2u);

  ProjectionState loaded;
  loaded.processed_event_ids.insert(placed.event_id());
  BatchRows rows;
  apply_batch(events_, loaded, rows);
  EXPECT_EQ(rows.duplicates, 2);
  EXPECT_EQ(rows.projected, 0);

  ProjectionState archived;
  archived.archived_next_offset[0] = 2;
  BatchRows none;
  apply_batch(events_, archived, none);
  EXPECT_TRUE(none.archive.empty());
  EXPECT_EQ(none.duplicates, 2);
}

TEST_F(ApplyTest, SequenceGapIsADerivedEventNotAReject) {
  Event first = make(Event::kAgentHeartbeat);
  first.set_sequence(1);
  add(first);
  Event third = make(Event::kAgentHeartbeat);
  third.set_sequence(4);
  add(third);
  run();
  EXPECT_TRUE(rows_.rejects.empty());
  ASSERT_EQ(rows_.derived_system_events.size(), 1u);
  EXPECT_EQ(rows_.derived_system_events[0].event_type, "sequence_gap");
  const StreamPosition& stream = state_.streams.at({"agent-1", "session-1"});
  EXPECT_EQ(stream.last_sequence, 4u);
  EXPECT_EQ(stream.gaps_added, 1);
  EXPECT_EQ(rows_.heartbeats.size(), 2u);
  EXPECT_EQ(rows_.latest_heartbeats.at("agent-1").count, 2);
}

TEST_F(ApplyTest, UnknownPayloadIsParked) {
  Event event = make(Event::kAgentHeartbeat);
  event.clear_agent_heartbeat();
  std::string bytes = event.SerializeAsString();
  bytes.append("\xa2\x06\x03\x0a\x01x", 6);  // field 100, length-delimited: unknown payload
  add_raw(bytes);
  run();
  EXPECT_TRUE(rows_.rejects.empty());
  ASSERT_EQ(rows_.parked.size(), 1u);
  EXPECT_EQ(rows_.processed.size(), 1u);
  EXPECT_STREQ(rows_.processed[0].outcome, "parked");
}

}  // namespace
}  // namespace ledger::projector
