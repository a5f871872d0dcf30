// spawn() and run(): fork, set the child up with async-signal-safe calls only, exec. A
// close-on-exec pipe carries the step that failed (and its errno) back to the parent, so a
// child that never ran is an error, not an exit status.
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "ledger/local/process/process.hpp"

extern char** environ;

namespace ledger::local::process {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kCaptureBytesMax = 1 << 20;
constexpr int kKillGraceMs = 5'000;

// The steps of the child's set-up, reported through the pipe when one fails.
enum class Step : int { kSession, kStdin, kLog, kCapture, kChdir, kUser, kExec };

const char* step_text(Step step) {
  switch (step) {
    case Step::kSession:
      return "start a new session";
    case Step::kStdin:
      return "open /dev/null";
    case Step::kLog:
      return "open its log file";
    case Step::kCapture:
      return "redirect its output";
    case Step::kChdir:
      return "enter its working directory";
    case Step::kUser:
      return "switch to its user";
    case Step::kExec:
      return "execute";
  }
  return "start";
}

struct ChildFailure {
  int step = 0;
  int error_number = 0;
};

// Everything the child needs, prepared before fork (no allocation after it).
struct Prepared {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

std::vector<std::string> merged_environment(const std::vector<std::string>& additions) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const std::string name = text.substr(0, text.find('=') + 1);
    bool replaced = false;
    for (const auto& addition : additions) {
      if (addition.compare(0, name.size(), name) == 0) replaced = true;
    }
    if (!replaced) merged.push_back(text);
  }
  merged.insert(merged.end(), additions.begin(), additions.end());
  return merged;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

[[noreturn]] void fail(int report_fd, Step step) {
  const ChildFailure failure{static_cast<int>(step), errno};
  [[maybe_unused]] const ssize_t n = write(report_fd, &failure, sizeof failure);
  _exit(127);
}

void redirect(int fd, int target, int report_fd, Step step) {
  if (fd < 0 || dup2(fd, target) < 0) fail(report_fd, step);
}

// Child side: only async-signal-safe calls until execve.
[[noreturn]] void exec_child(const SpawnOptions& options, const Prepared& prepared, int report_fd,
                             int capture_fd) {
  if (options.new_session && setsid() < 0) fail(report_fd, Step::kSession);
  const int null_fd = open("/dev/null", O_RDONLY);
  redirect(null_fd, STDIN_FILENO, report_fd, Step::kStdin);
  if (capture_fd >= 0) {
    redirect(capture_fd, STDOUT_FILENO, report_fd, Step::kCapture);
    redirect(capture_fd, STDERR_FILENO, report_fd, Step::kCapture);
  } else if (!options.log_path.empty()) {
    const int flags = O_WRONLY | O_CREAT | (options.truncate_log ? O_TRUNC : O_APPEND);
    const int log_fd = open(options.log_path.c_str(), flags, options.log_mode);
    redirect(log_fd, STDOUT_FILENO, report_fd, Step::kLog);
    redirect(log_fd, STDERR_FILENO, report_fd, Step::kLog);
  }
  // Every other descriptor goes, but the report pipe (close-on-exec) until exec.
  const auto report = static_cast<unsigned>(report_fd);
  if (report > 3) close_range(3, report - 1, 0);
  close_range(report + 1, ~0U, 0);
  if (!options.working_dir.empty() && chdir(options.working_dir.c_str()) != 0) {
    fail(report_fd, Step::kChdir);
  }
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaction(sig, &defaults, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (options.user) {
    const gid_t gid = options.user->gid;
    if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(options.user->uid) != 0) {
      fail(report_fd, Step::kUser);
    }
  }
  execve(prepared.path.c_str(), prepared.argv.data(), prepared.envp.data());
  fail(report_fd, Step::kExec);
}

bool prepare(const SpawnOptions& options, Prepared& prepared, std::string& error) {
  if (options.argv.empty()) {
    error = "spawn: empty argv";
    return false;
  }
  const auto path = find_program(options.argv[0]);
  if (!path) {
    error = "cannot start " + options.argv[0] + ": not found" +
            (options.argv[0].find('/') == std::string::npos ? " on PATH" : "");
    return false;
  }
  prepared.path = *path;
  prepared.args = options.argv;
  prepared.env = merged_environment(options.env_add);
  prepared.argv = c_strings(prepared.args);
  prepared.envp = c_strings(prepared.env);
  return true;
}

// The child's report: empty when it reached exec; otherwise the error (the child is reaped).
std::string read_report(pid_t pid, int report_fd, const SpawnOptions& options) {
  ChildFailure failure{};
  ssize_t n = 0;
  do {
    n = read(report_fd, &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  close(report_fd);
  if (n != static_cast<ssize_t>(sizeof failure)) return "";
  waitpid(pid, nullptr, 0);
  std::string what = "cannot " + std::string(step_text(static_cast<Step>(failure.step)));
  if (static_cast<Step>(failure.step) == Step::kUser && options.user) {
    what += " " + options.user->name;
  }
  if (static_cast<Step>(failure.step) == Step::kLog) what += " " + options.log_path;
  return what + " for " + options.argv[0] + ": " + std::strerror(failure.error_number);
}

std::optional<pid_t> spawn_with(const SpawnOptions& options, int capture_fd, std::string& error) {
  Prepared prepared;
  if (!prepare(options, prepared, error)) return std::nullopt;
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    error = "cannot start " + options.argv[0] + ": pipe: " + std::strerror(errno);
    return std::nullopt;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    error = "cannot start " + options.argv[0] + ": fork: " + std::strerror(errno);
    close(report[0]);
    close(report[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    close(report[0]);
    exec_child(options, prepared, report[1], capture_fd);
  }
  close(report[1]);
  error = read_report(pid, report[0], options);
  if (!error.empty()) return std::nullopt;
  return pid;
}

enum class Drained { kData, kIdle, kEnd };

// Reads what `fd` has within wait_ms into `output` (keeping the last kCaptureBytesMax bytes).
Drained drain(int fd, std::string& output, int wait_ms) {
  pollfd readable{fd, POLLIN, 0};
  if (poll(&readable, 1, wait_ms) <= 0) return Drained::kIdle;
  char buffer[8192];
  const ssize_t n = read(fd, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR || errno == EAGAIN ? Drained::kIdle : Drained::kEnd;
  if (n == 0) return Drained::kEnd;
  output.append(buffer, static_cast<std::size_t>(n));
  if (output.size() > kCaptureBytesMax) output.erase(0, output.size() - kCaptureBytesMax);
  return Drained::kData;
}

}  // namespace

int exit_status_of(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WEXITSTATUS(wait_status);
}

std::optional<pid_t> spawn(const SpawnOptions& options, std::string& error) {
  return spawn_with(options, -1, error);
}

std::optional<int> run(const SpawnOptions& options, int timeout_ms, std::string& error,
                       std::string* output, const std::atomic<bool>* stop) {
  int capture[2] = {-1, -1};
  if (output != nullptr && pipe2(capture, O_CLOEXEC) != 0) {
    error = "cannot start " + options.argv.front() + ": pipe: " + std::strerror(errno);
    return std::nullopt;
  }
  const auto pid = spawn_with(options, capture[1], error);
  if (capture[1] >= 0) close(capture[1]);
  bool open = capture[0] >= 0;
  if (!pid) {
    if (open) close(capture[0]);
    return std::nullopt;
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  auto kill_at = Clock::time_point::max();
  int wait_status = 0;
  bool timed_out = false;
  while (!child_exited(*pid, &wait_status)) {
    if (open) {
      open = drain(capture[0], *output, 20) != Drained::kEnd;
    } else {
      poll(nullptr, 0, 20);
    }
    const auto now = Clock::now();
    if (kill_at == Clock::time_point::max() &&
        (now >= deadline || (stop != nullptr && stop->load()))) {
      timed_out = now >= deadline;
      kill(*pid, SIGTERM);
      kill_at = now + std::chrono::milliseconds(kKillGraceMs);
    } else if (now >= kill_at) {
      kill(*pid, SIGKILL);
    }
  }
  // What the child wrote before it exited (a daemon it started may keep the pipe open: stop
  // at the first pause instead of waiting for the end).
  while (open && drain(capture[0], *output, 0) == Drained::kData) {
  }
  if (capture[0] >= 0) close(capture[0]);
  if (timed_out) {
    error = options.argv[0] + " did not finish within " + std::to_string(timeout_ms) +
            " ms and was stopped";
    return std::nullopt;
  }
  if (WIFSIGNALED(wait_status)) {
    error = options.argv[0] + " was ended by signal " + std::to_string(WTERMSIG(wait_status));
    return std::nullopt;
  }
  return WEXITSTATUS(wait_status);
}

}  // namespace ledger::local::process
