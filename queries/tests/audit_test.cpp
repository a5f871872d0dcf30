// `ledger audit` on the known data set: the full chain of decision d-1, and agent histories.
#include "ledger/queries/audit.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "known_dataset.hpp"

namespace ledger::queries {
namespace {

constexpr const char* kDecision = "00000000-0000-7000-8000-0000000000d1";

class Audit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { uri_ = new std::string(testing::make_known_database("audit")); }
  static void TearDownTestSuite() { delete uri_; }

  static const AuditSection& find(const AuditReport& report, const std::string& key) {
    for (const AuditSection& s : report.sections) {
      if (s.key == key) return s;
    }
    throw std::runtime_error("no section " + key);
  }
  static std::string text(const AuditReport& report, OutputFormat format = OutputFormat::kTable) {
    std::ostringstream out;
    write_audit(report, format, out);
    return out.str();
  }
  static std::string* uri_;
};
std::string* Audit::uri_ = nullptr;

TEST_F(Audit, DecisionPrintsTheFullChain) {
  ReadOnlySession session(*uri_, ReadOptions{});
  const AuditReport report = audit_decision(session, kDecision, false);
  ASSERT_TRUE(report.found);
  EXPECT_EQ(find(report, "decision").table.rows.size(), 1u);
  EXPECT_EQ(find(report, "orders").table.rows.size(), 2u);
  EXPECT_EQ(find(report, "order_events").table.rows.size(), 5u);
  EXPECT_EQ(find(report, "fills").table.rows.size(), 3u);
  EXPECT_EQ(find(report, "rejects").table.rows.size(), 1u);
  EXPECT_EQ(find(report, "lineage").table.rows.size(), 3u);
  EXPECT_THROW(find(report, "prompt"), std::runtime_error);
  const std::string out = text(report);
  for (const char* expected :
       {"OPEN_LONG", "breakout above resistance", "0.80000000", "o-1", "o-2", "f-1", "f-2", "f-3",
        "partially_filled", "overfill", "kafka_partition", "kafka_offset", "order_placed"}) {
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
  }
  EXPECT_EQ(out.find("PROMPT: should I buy?"), std::string::npos);
}

TEST_F(Audit, DecisionShowsPositionChangesAndRealizedPnl) {
  if (!testing::has_books(*uri_)) GTEST_SKIP() << "accounting tables (0150) not migrated";
  ReadOnlySession session(*uri_, ReadOptions{});
  const AuditReport report = audit_decision(session, kDecision, false);
  const ResultTable& changes = find(report, "position_changes").table;
  ASSERT_EQ(changes.rows.size(), 3u);
  EXPECT_EQ(changes.rows[2][2], std::optional<std::string>("reduced"));
  const ResultTable& realized = find(report, "realized_pnl").table;
  ASSERT_EQ(realized.rows.size(), 1u);
  EXPECT_EQ(realized.rows[0][1], std::optional<std::string>("21.00000000"));
  EXPECT_EQ(realized.rows[0][3], std::optional<std::string>("17.11000000"));
  EXPECT_TRUE(find(report, "round_trips").table.rows.empty());
  AgentAuditOptions options;
  const AuditReport agent = audit_agent(session, "agent-a", options);
  const ResultTable& decisions = find(agent, "decisions").table;
  ASSERT_EQ(decisions.rows.size(), 2u);
  EXPECT_EQ(decisions.columns.back(), "realized_pnl_net");
  EXPECT_EQ(decisions.rows[0].back(), std::optional<std::string>("17.11000000"));
}

TEST_F(Audit, ShowPromptAddsPromptAndResponse) {
  ReadOnlySession session(*uri_, ReadOptions{});
  const AuditReport report = audit_decision(session, kDecision, true);
  const std::string out = text(report, OutputFormat::kJson);
  EXPECT_NE(out.find("PROMPT: should I buy?"), std::string::npos) << out;
  EXPECT_NE(out.find("RESPONSE: buy 0.07 BTC"), std::string::npos);
  EXPECT_NE(out.find("\"fills\": ["), std::string::npos);
}

TEST_F(Audit, UnknownAndInvalidDecision) {
  ReadOnlySession session(*uri_, ReadOptions{});
  EXPECT_FALSE(audit_decision(session, "00000000-0000-7000-8000-000000000999", false).found);
  EXPECT_THROW(audit_decision(session, "'; DROP TABLE decisions; --", false),
               std::invalid_argument);
}

TEST_F(Audit, AgentHistoryWithOutcomes) {
  ReadOnlySession session(*uri_, ReadOptions{});
  AgentAuditOptions options;
  options.since = "2026-01-05 09:30:00+00";
  const AuditReport report = audit_agent(session, "agent-a", options);
  ASSERT_TRUE(report.found);
  const ResultTable& decisions = find(report, "decisions").table;
  ASSERT_EQ(decisions.rows.size(), 2u);
  EXPECT_EQ(decisions.rows[0][2], std::optional<std::string>("OPEN_LONG"));
  EXPECT_EQ(decisions.rows[0][7], std::optional<std::string>("2"));  // orders
  EXPECT_EQ(decisions.rows[0][8], std::optional<std::string>("filled,partially_filled"));
  EXPECT_EQ(decisions.rows[0][9], std::optional<std::string>("0.09000000"));
  EXPECT_EQ(decisions.rows[1][2], std::optional<std::string>("HOLD"));
  EXPECT_EQ(decisions.rows[1][7], std::optional<std::string>("0"));
  options.since = "2026-01-05 10:30:00+00";
  EXPECT_EQ(find(audit_agent(session, "agent-a", options), "decisions").table.rows.size(), 1u);
  EXPECT_FALSE(audit_agent(session, "nobody", AgentAuditOptions{}).found);
}

}  // namespace
}  // namespace ledger::queries
