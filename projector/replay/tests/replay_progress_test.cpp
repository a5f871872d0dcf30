// The replay progress output: the terminal bar and the plain lines.
#include "replay_progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace ledger::projector {
namespace {

TEST(ReplayProgress, BarShowsPercentRateAndEta) {
  const ReplayProgress p{"rebuild", 450'000, 1'000'000, 4.5};
  EXPECT_EQ(ReplayProgressPrinter::bar_line(p),
            "rebuild  [#########...........]  45.0%  450000/1000000 events  100.0k ev/s  ETA 6s");
}

TEST(ReplayProgress, PlainLine) {
  const ReplayProgress p{"catch-up", 10, 10, 2.0};
  EXPECT_EQ(ReplayProgressPrinter::plain_line(p),
            "replay catch-up: 10/10 events (100.0%), 5 ev/s, ETA 0s, 2.0s elapsed");
}

TEST(ReplayProgress, PlainOutputIsThrottledButEndsWithTheLastState) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ReplayProgressPrinter printer(out, false, 60'000);
  for (int i = 1; i <= 100; ++i) printer(ReplayProgress{"rebuild", i, 100, 1.0});
  printer.finish();
  std::rewind(out);
  std::string text;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, out) != nullptr) text += buffer;
  std::fclose(out);
  EXPECT_EQ(text,
            "replay rebuild: 1/100 events (1.0%), 1 ev/s, ETA 1m39s, 1.0s elapsed\n"
            "replay rebuild: 100/100 events (100.0%), 100 ev/s, ETA 0s, 1.0s elapsed\n");
}

}  // namespace
}  // namespace ledger::projector
