// OfflineDetector: gaps between heartbeats, decided from event times only.
#include "ledger/projector/accounting/offline_detector.hpp"

#include <gtest/gtest.h>

namespace ledger::projector::accounting {
namespace {

TEST(OfflineDetector, ReportsAGapLongerThanTheThresholdOnce) {
  OfflineDetector detector("agent-7", 60 * kMicrosPerSecond);
  EXPECT_FALSE(detector.observe_heartbeat(0).has_value());
  EXPECT_FALSE(detector.observe_heartbeat(60 * kMicrosPerSecond).has_value());  // == threshold
  const auto event = detector.observe_heartbeat(181 * kMicrosPerSecond);        // gap 121 s
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->type, kAgentOffline);
  EXPECT_EQ(event->severity, Severity::kWarning);
  EXPECT_EQ(event->occurred_at_us, 120 * kMicrosPerSecond);
  EXPECT_EQ(event->details.at("gap_us").get<TimeUs>(), 121 * kMicrosPerSecond);
  EXPECT_EQ(event->details.at("agent_id").get<std::string>(), "agent-7");
  EXPECT_NE(event->message.find("121 s"), std::string::npos) << event->message;
  EXPECT_FALSE(detector.observe_heartbeat(182 * kMicrosPerSecond).has_value());
  EXPECT_EQ(detector.last_heartbeat_at_us(), 182 * kMicrosPerSecond);
}

TEST(OfflineDetector, ClockGoingBackReportsNothingAndKeepsTheLatestTime) {
  OfflineDetector detector("a", 10);
  EXPECT_FALSE(detector.observe_heartbeat(100).has_value());
  EXPECT_FALSE(detector.observe_heartbeat(5).has_value());
  EXPECT_EQ(detector.last_heartbeat_at_us(), 100);
  EXPECT_FALSE(detector.observe_heartbeat(110).has_value());
  EXPECT_TRUE(detector.observe_heartbeat(121).has_value());
}

}  // namespace
}  // namespace ledger::projector::accounting
