// UUIDv7: text form, version and variant bits, timestamp, monotonic order across threads.
#include "ledger/events/uuid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace ledger::events {
namespace {

std::uint64_t hex_value(std::string_view hex) {
  std::uint64_t value = 0;
  for (char c : hex)
    value = value * 16 + static_cast<std::uint64_t>(std::stoi(std::string(1, c), nullptr, 16));
  return value;
}

TEST(Uuid, CanonicalLowercaseForm) {
  const std::string id = make_uuid_v7();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_TRUE(is_uuid(id));
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_TRUE((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')) << id;
    }
  }
}

TEST(Uuid, VersionSevenAndRfcVariant) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = make_uuid_v7();
    EXPECT_EQ(id[14], '7') << id;  // version nibble
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
  }
}

TEST(Uuid, CarriesUnixMilliseconds) {
  const auto now_ms = [] {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  };
  const std::uint64_t before_ms = now_ms();
  const std::string id = make_uuid_v7();
  const std::uint64_t after_ms = now_ms();
  const std::uint64_t id_ms = hex_value(id.substr(0, 8) + id.substr(9, 4));
  // Within one millisecond of the clock (an id may borrow the next millisecond when the clock
  // stands still after many ids, which this test does not provoke).
  EXPECT_GE(id_ms, before_ms);
  EXPECT_LE(id_ms, after_ms + 1);
}

TEST(Uuid, StrictlyIncreasingWithinOneThread) {
  std::string previous = make_uuid_v7();
  for (int i = 0; i < 100'000; ++i) {
    std::string next = make_uuid_v7();
    ASSERT_LT(previous, next) << "after " << i << " ids";
    previous = std::move(next);
  }
}

TEST(Uuid, UniqueAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kIdsPerThread = 20'000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      auto& mine = ids[static_cast<std::size_t>(t)];
      for (int i = 0; i < kIdsPerThread; ++i) mine.push_back(make_uuid_v7());
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& mine : ids) {
    EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
    all.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kIdsPerThread));
}

TEST(Uuid, IsUuidChecksTheTextForm) {
  EXPECT_TRUE(is_uuid("0190f5a0-0000-7000-8000-000000000001"));
  EXPECT_TRUE(is_uuid("0190F5A0-ABCD-4000-8000-00000000000F"));  // any version, either case
  EXPECT_FALSE(is_uuid(""));
  EXPECT_FALSE(is_uuid("0190f5a0000070008000000000000001"));       // no hyphens
  EXPECT_FALSE(is_uuid("0190f5a0-0000-7000-8000-00000000000"));    // short
  EXPECT_FALSE(is_uuid("0190f5a0-0000-7000-8000-0000000000011"));  // long
  EXPECT_FALSE(is_uuid("0190f5a0-0000-7000-8000-00000000000g"));   // not hex
  EXPECT_FALSE(is_uuid("0190f5a00-000-7000-8000-000000000001"));   // hyphen misplaced
  EXPECT_FALSE(is_uuid("{0190f5a0-0000-7000-8000-00000000001}"));
}

}  // namespace
}  // namespace ledger::events
