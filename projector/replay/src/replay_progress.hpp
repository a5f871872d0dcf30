// ReplayProgressPrinter: `ledger replay`'s progress on stderr. On a terminal, one bar redrawn in
// place (percent of the end offsets captured at start, events/s, ETA), at most 10 times a
// second; otherwise a plain line every `line_interval_ms`. Single-threaded.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "ledger/projector/replay/replay.hpp"

namespace ledger::projector {

class ReplayProgressPrinter {
 public:
  ReplayProgressPrinter(std::FILE* out, bool terminal, int line_interval_ms = 2000);
  void operator()(const ReplayProgress& progress);
  // Ends the bar's line (terminal) after the last update.
  void finish();

  // "[#########.........]  45.2%  452000/1000000 events  98.1k ev/s  ETA 5s" (width 20 bar).
  static std::string bar_line(const ReplayProgress& progress);
  static std::string plain_line(const ReplayProgress& progress);

 private:
  std::FILE* out_;
  bool terminal_;
  int line_interval_ms_;
  std::chrono::steady_clock::time_point last_;
  std::string last_phase_;
  bool drawn_ = false;
  ReplayProgress latest_;
  bool pending_ = false;  // latest_ not printed yet
};

}  // namespace ledger::projector
