// `ledger project` as a process: it projects and exits at the end of the log. Every payload's
// columns are asserted in agent_flow_test.cpp and trading_flow_test.cpp.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::projector::testing {
namespace {

using ledger::v1::Event;

class PipelineTest : public ::testing::Test {
 protected:
  Harness h;
};

TEST_F(PipelineTest, LedgerProjectProcessExitsAtEnd) {
  h.publish(h.make(Event::kAgentRegistered));
  h.publish(h.make(Event::kAgentHeartbeat));
  const std::string command = ledger::testing::ledger_bin() + " project -b " +
                              ledger::testing::kafka_bootstrap() + " -t " + h.topic() + " --db '" +
                              h.db_uri() + "' --group " + h.group +
                              " --exit-at-end --batch-wait-ms-max 50 > /dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  EXPECT_EQ(h.count("agents"), 1);
  EXPECT_EQ(h.count("heartbeats"), 1);
  EXPECT_EQ(h.value("SELECT next_offset FROM consumer_offsets"), "2");
}

}  // namespace
}  // namespace ledger::projector::testing
