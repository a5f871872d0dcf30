// Private to schema/: run a program as a child process, optionally as another system user, and
// small POSIX file helpers used by the local cluster.
//
// run_program() forks and execs argv[0] (an absolute path), waits for it and returns its exit
// status (or 128 + signal). Not thread-safe with respect to other fork()s that change the
// process's credentials; safe to call from one thread of a multithreaded program (the child
// only calls async-signal-safe functions between fork and exec).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace ledger::schema::detail {

struct SystemUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// The user `name` from the password database, or nullopt when there is none.
std::optional<SystemUser> find_system_user(const std::string& name);

// Runs argv (argv[0] is an absolute path). When `user` is set, the child switches to that user
// (requires root) before exec. When `output_path` is non-empty, the child's stdout and stderr
// are appended to that file. Returns the exit status, 128 + signal when killed, or -1 with
// `error` set when the child could not be started. REQUIRES: !argv.empty().
int run_program(const std::vector<std::string>& argv, const std::optional<SystemUser>& user,
                const std::string& output_path, std::string& error);

// Writes `content` to `path` atomically (temp file + rename) with mode `mode`; when `owner` is
// set the file is chowned to it. Returns false with `error` set on failure.
bool write_file_atomic(const std::string& path, const std::string& content, mode_t mode,
                       const std::optional<SystemUser>& owner, std::string& error);

// The last `lines_max` lines of a text file (empty when unreadable), for error messages.
std::string tail_of_file(const std::string& path, int lines_max);

}  // namespace ledger::schema::detail
