// Internal to local/: the small file and socket helpers the broker and the cluster share
// (state files written atomically, pid files, log tails, a lock file, a port probe).
// Every wait is bounded by the timeout it is given. Not thread-safe: one caller at a time.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "ledger/local/process/process.hpp"

namespace ledger::local {

// Writes `text` to `path` atomically (temporary file, fsync, rename) with mode `mode`; when
// `owner` is set the file is chowned to it. False with `error` naming the file.
bool write_file_atomic(const std::string& path, const std::string& text, std::string& error,
                       mode_t mode = 0644,
                       const std::optional<process::SystemUser>& owner = std::nullopt);

// The last `lines_max` lines of a text file, each indented ("" if unreadable), for errors.
std::string file_tail(const std::string& path, int lines_max);

// The first line of a file (trimmed); nullopt when missing or empty.
std::optional<std::string> read_first_line(const std::string& path);

// The pid in a pid file; 0 when missing, empty or damaged.
pid_t read_pid_file(const std::string& path);

// True when something accepts a TCP connection on 127.0.0.1:port within timeout_ms.
bool port_accepts(int port, int timeout_ms);

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

}  // namespace ledger::local
