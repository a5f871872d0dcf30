// StopSignal: turns SIGINT and SIGTERM into a flag that long-running commands poll
// (`ledger demo`, `ledger up`). While a StopSignal lives, the first signal sets the flag; a
// second SIGINT restores the default action, so a third Ctrl-C kills the process if a clean
// stop hangs. The destructor restores the previous handlers.
// Thread safety: one StopSignal per process at a time; stopping() may be read from any thread.
#pragma once

#include <atomic>

namespace ledger::producer::demo {

class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  const std::atomic<bool>& flag() const;
  bool stopping() const { return flag().load(); }
  // The signal that set the flag (SIGINT, SIGTERM), 0 if none.
  int signal_number() const;
  // Sets the flag as a signal would (e.g. when a child process died).
  void request_stop();
};

}  // namespace ledger::producer::demo
