// Child processes for the local development environment (the Kafka broker, the PostgreSQL
// cluster, `ledger up`) and the tests that drive `ledger` binaries: spawn, wait with a
// timeout, signal, reap, capture output. The one place in the project that forks.
//
// Promises:
//   - No shell: arguments are passed as a vector; argv[0] is a path or a name looked up on
//     PATH (resolved before the fork).
//   - The child starts with stdin from /dev/null, default handling for SIGINT, SIGTERM, SIGHUP
//     and SIGPIPE, no blocked signals, and no descriptor but 0, 1 and 2 (whatever the parent
//     has open). Between fork and exec it makes only async-signal-safe calls, so spawning from
//     a multithreaded program is safe.
//   - A child that cannot be started (program missing, log file not writable, user switch
//     refused) is reported as an error naming the step and the program, never as an exit
//     status of its own.
//   - Every wait is bounded by a timeout in milliseconds.
// Thread safety: the functions may be called from several threads; a Child is
// thread-compatible (one owner). Reaping is the caller's: nothing here installs a SIGCHLD
// handler.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace ledger::local::process {

// A system user to run a child as (the postgres user when the caller is root).
struct SystemUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// The user `name` from the password database, or nullopt when there is none.
std::optional<SystemUser> find_system_user(const std::string& name);

struct SpawnOptions {
  std::vector<std::string> argv;     // REQUIRES: not empty. argv[0]: a path, or looked up on PATH
  std::string log_path;              // stdout and stderr go here; empty: the parent's own
  bool truncate_log = false;         // false: append to log_path
  mode_t log_mode = 0644;            // mode of a log file the child creates
  std::string working_dir;           // empty: the parent's
  bool new_session = false;          // setsid(): no terminal signals reach the child
  std::vector<std::string> env_add;  // "NAME=value" entries added to (or replacing in) environ
  std::optional<SystemUser> user;    // switch to this user before exec (the caller is root)
};

// Exit status of a child: its exit code (0..255), or 128 + signal number when a signal ended it.
int exit_status_of(int wait_status);

// Starts a child. Returns its pid, or nullopt with `error` naming the program and what failed.
std::optional<pid_t> spawn(const SpawnOptions& options, std::string& error);

// Runs a child to completion, bounded by timeout_ms (then it is sent SIGTERM, and SIGKILL 5 s
// later) or by `stop` becoming true (the same). Returns its exit code, or nullopt with `error`
// when it could not start, was ended by a signal or ran past the timeout. With `output` set,
// its stdout and stderr are captured there (the last 1 MiB) instead of going to log_path.
std::optional<int> run(const SpawnOptions& options, int timeout_ms, std::string& error,
                       std::string* output = nullptr, const std::atomic<bool>* stop = nullptr);

// Reaps our own child without blocking. True when it has exited (wait status stored if given).
bool child_exited(pid_t pid, int* wait_status = nullptr);

// True when `pid` is a live (non-zombie) process, ours or not.
bool process_alive(pid_t pid);

// True when `pid` is a live (non-zombie) process whose command line contains `needle`.
bool process_matches(pid_t pid, const std::string& needle);

// Sends SIGTERM, waits up to timeout_ms for the process to go, then SIGKILL and waits again
// (bounded). `is_child`: reap it with waitpid instead of polling /proc. True when it is gone.
bool terminate(pid_t pid, bool is_child, int timeout_ms);

// The path `program` runs from: itself when it holds a '/' and is executable, else the first
// executable match on PATH; nullopt when there is none.
std::optional<std::string> find_program(const std::string& program);

// A child owned by one object: killed (SIGKILL) and reaped when destroyed while running,
// unless released. For tests and orchestration that start `ledger` binaries.
class Child {
 public:
  // Starts it; throws std::runtime_error with the reason when it cannot.
  explicit Child(const SpawnOptions& options);
  ~Child();
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Reaps without blocking; false once it has exited.
  bool running();
  // Waits up to timeout_ms; its exit status (exit_status_of), or nullopt while it still runs.
  std::optional<int> wait(int timeout_ms);
  // Sends `signal`; false when it has already exited.
  bool signal(int signal);
  // SIGTERM, then SIGKILL after timeout_ms; returns the exit status.
  int stop(int timeout_ms);
  // SIGKILL and reap; false when it had already exited.
  bool kill();
  // The exit status once reaped, else -1.
  int exit_status() const { return exit_status_; }
  // Forgets the child: the destructor leaves it running (e.g. a detached daemon).
  pid_t release();

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

}  // namespace ledger::local::process
