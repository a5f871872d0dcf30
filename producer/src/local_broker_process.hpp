// Internal to the local broker: child processes, pid files, ports and small file helpers.
//
// Processes are started with posix_spawnp (no shell, arguments passed as a vector), stdin from
// /dev/null, stdout and stderr appended to a log file, every other descriptor closed. All
// waits are bounded by a timeout given in milliseconds. Not thread-safe: one caller at a time.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace ledger::producer::detail {

struct SpawnOptions {
  std::vector<std::string> argv;     // argv[0] is looked up on PATH
  std::string log_path;              // stdout and stderr are appended here (created 0644)
  std::string working_dir;           // empty: inherit
  bool new_session = false;          // setsid(): no terminal signals reach the child
  std::vector<std::string> env_add;  // "NAME=value" entries added to (or replacing in) environ
};

// Starts a child. Returns its pid, or nullopt with `error` naming the program.
std::optional<pid_t> spawn_process(const SpawnOptions& options, std::string& error);

// Runs a child to completion (bounded by timeout_ms; killed with SIGKILL past it). Returns its
// exit status (0..255), or nullopt with `error` when it could not run, was killed by a signal
// or timed out.
std::optional<int> run_process(const SpawnOptions& options, int timeout_ms, std::string& error);

// Reaps our own child without blocking. True when it has exited (status stored if given).
bool child_exited(pid_t pid, int* status = nullptr);

// True when `pid` is a live (non-zombie) process whose command line contains `needle`.
bool process_matches(pid_t pid, const std::string& needle);

// Sends SIGTERM, waits up to timeout_ms for the process to go, then SIGKILL and waits again
// (bounded). `is_child`: reap with waitpid instead of polling /proc. True when it is gone.
bool terminate_process(pid_t pid, bool is_child, int timeout_ms);

// True when something accepts a TCP connection on 127.0.0.1:port within timeout_ms.
bool port_accepts(int port, int timeout_ms);

// Whether `program` is found on PATH (or is a path to an executable file).
bool program_on_path(const std::string& program);

// The last `lines_max` lines of a text file ("" if unreadable).
std::string file_tail(const std::string& path, int lines_max);

// Reads the first line of a file (trimmed); nullopt when missing or empty.
std::optional<std::string> read_first_line(const std::string& path);

// The pid in a pid file; 0 when missing, empty or damaged.
pid_t read_pid_file(const std::string& path);

// Writes `text` to `path` atomically (temporary file, then rename). False with `error`.
bool write_file_atomic(const std::string& path, const std::string& text, std::string& error);

// An exclusive advisory lock (flock) on a file, held until destruction. Waits up to
// timeout_ms for another holder; locked() tells whether it was obtained.
class FileLock {
 public:
  FileLock(const std::string& path, int timeout_ms);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool locked() const { return locked_; }

 private:
  int fd_ = -1;
  bool locked_ = false;
};

}  // namespace ledger::producer::detail
