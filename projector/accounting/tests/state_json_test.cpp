// State persistence: exact round trips and clear errors for malformed state.
#include "ledger/projector/accounting/state_json.hpp"

#include <gtest/gtest.h>

namespace ledger::projector::accounting {
namespace {

using nlohmann::json;

Decimal dec(const char* text) { return Decimal::parse(text).value(); }

PositionBook sample_book() {
  PositionBook book("agent-1", dec("1000"));
  Fill fill;
  fill.symbol = "ETH";
  fill.price = dec("1");
  fill.quantity = dec("1");
  fill.order_id = "o1";
  fill.decision_id = "d1";
  EXPECT_TRUE(book.apply_fill(fill).ok());
  fill.price = dec("1.00000001");
  fill.quantity = dec("2");
  EXPECT_TRUE(book.apply_fill(fill).ok());
  fill.side = FillSide::kSell;
  fill.price = dec("2");
  fill.quantity = dec("1");
  fill.fee = dec("0.01");
  fill.order_id = "o2";
  EXPECT_TRUE(book.apply_fill(fill).ok());  // leaves a scale-16 cost basis
  fill.symbol = "BTC";
  fill.quantity = dec("0.5");
  EXPECT_TRUE(book.apply_fill(fill).ok());
  fill.side = FillSide::kBuy;
  EXPECT_TRUE(book.apply_fill(fill).ok());  // BTC closed again
  EXPECT_TRUE(book.apply_balance_adjustment(dec("-1.5"), AdjustmentReason::kFunding, 9).ok());
  return book;
}

TEST(StateJson, BookRoundTripsExactly) {
  const PositionBook book = sample_book();
  const json saved = book_to_json(book);
  EXPECT_EQ(saved.at("positions").at(1).at("cost_basis"), "2.0000000133333333");
  const auto restored = book_from_json(json::parse(saved.dump()));
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_TRUE(restored.value() == book);
  EXPECT_EQ(restored->find("ETH")->lineage.order_ids(), (std::vector<std::string>{"o1", "o2"}));
}

TEST(StateJson, TrackerAndDetectorRoundTrip) {
  PerformanceTracker tracker;
  RoundTrip trip;
  trip.pnl_gross = Amount::parse("1.0000000000000001").value();
  tracker.add_round_trip(trip);
  EquitySnapshot snapshot;
  snapshot.at_us = 5;
  snapshot.capital = dec("100");
  snapshot.total_value = dec("90");
  snapshot.total_pnl = dec("-10");
  snapshot.roi_pct = dec("-10");
  tracker.add_snapshot(snapshot);
  const auto restored = tracker_from_json(json::parse(tracker_to_json(tracker).dump()));
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_TRUE(restored.value() == tracker);

  OfflineDetector detector("a", 60);
  (void)detector.observe_heartbeat(1000);
  auto again = detector_from_json(json::parse(detector_to_json(detector).dump()));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.value() == detector);
  EXPECT_TRUE(again->observe_heartbeat(1061).has_value());
}

TEST(StateJson, MalformedStateIsAnErrorNamingTheField) {
  json saved = book_to_json(sample_book());
  json bad = saved;
  bad["positions"][0]["cost_basis"] = "1.00000000000000001";  // 17 digits
  auto result = book_from_json(bad);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, AccountingErrc::kInvalidState);
  EXPECT_NE(result.error().message.find("cost_basis"), std::string::npos) << result.error().message;

  bad = saved;
  bad["totals"].erase("fees_paid");
  result = book_from_json(bad);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("fees_paid"), std::string::npos) << result.error().message;

  bad = saved;
  bad["version"] = 2;
  EXPECT_FALSE(book_from_json(bad).ok());

  bad = saved;
  bad["positions"][1]["quantity"] = "0";  // open position without quantity
  EXPECT_FALSE(book_from_json(bad).ok());

  EXPECT_FALSE(book_from_json(json::array()).ok());
  EXPECT_FALSE(tracker_from_json(json{{"version", 1}}).ok());
  EXPECT_FALSE(detector_from_json(json("nonsense")).ok());
}

TEST(StateJson, AmountParseAcceptsOnlyCanonicalScale16Text) {
  EXPECT_EQ(Amount::parse("-0.0000000000000001")->units(), -1);
  EXPECT_EQ(Amount::parse("12")->to_string(), "12");
  EXPECT_EQ(Amount::parse("2.5")->units(), 25 * Amount::kOne / 10);
  for (const char* text : {"", "-", ".5", "1.", "1e3", "+1", "1.00000000000000001", "x",
                           "999999999999999999999999999999999999999"}) {
    EXPECT_FALSE(Amount::parse(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace ledger::projector::accounting
