// Pipeline tests that publish one scenario per suite and assert each projected table in a test
// of its own (agent_flow_test.cpp, trading_flow_test.cpp): the fixture and the example values.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>

#include "harness.hpp"

namespace ledger::projector::testing {

using ledger::v1::Event;

inline constexpr const char* kTime = "2026-01-02 03:04:05.123+00";
inline constexpr const char* kUuid1 = "0190f5a0-0000-7000-8000-000000000001";
inline constexpr const char* kUuid2 = "0190f5a0-0000-7000-8000-000000000002";

// One scenario per suite, published and projected in SetUpTestSuite (once per process: under
// ctest each test runs alone, so each gets its own topic and database); each test asserts one
// table's rows, every column.
template <typename Events>
class ProjectedOnce : public ::testing::Test {
 protected:
  static void TearDownTestSuite() {
    delete h;
    h = nullptr;
    delete e;
    e = nullptr;
  }
  static void publish_and_project(std::initializer_list<const Event*> events,
                                  std::int64_t projected) {
    for (const Event* event : events) h->publish(*event);
    const ProjectorStats stats = h->project();
    ASSERT_EQ(stats.events_projected, projected);
    ASSERT_EQ(stats.events_rejected, 0);
  }
  static inline Harness* h = nullptr;
  static inline Events* e = nullptr;  // the suite's events, made in SetUpTestSuite
};

}  // namespace ledger::projector::testing
