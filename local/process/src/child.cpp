// Waiting for, signalling and reaping processes; the Child owner; users and PATH lookup.
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>
#include <utility>

#include "ledger/local/process/process.hpp"

namespace ledger::local::process {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPollIntervalMs = 20;
constexpr int kKillWaitMs = 10'000;

// Polls until `gone()` or the timeout; true when gone.
template <typename Gone>
bool wait_until(Gone gone, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!gone()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollIntervalMs));
  }
  return true;
}

bool executable_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<SystemUser> find_system_user(const std::string& name) {
  struct passwd pwd {};
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwnam_r(name.c_str(), &pwd, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    return std::nullopt;
  }
  return SystemUser{name, pwd.pw_uid, pwd.pw_gid};
}

std::optional<std::string> find_program(const std::string& program) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos) {
    if (executable_file(program)) return program;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  const std::string directories = path == nullptr ? "/usr/local/bin:/usr/bin:/bin" : path;
  std::size_t start = 0;
  while (start <= directories.size()) {
    const std::size_t end = std::min(directories.find(':', start), directories.size());
    const std::string directory = directories.substr(start, end - start);
    const std::string candidate = (directory.empty() ? "." : directory) + "/" + program;
    if (executable_file(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

bool child_exited(pid_t pid, int* wait_status) {
  int status = 0;
  pid_t rc = 0;
  do {
    rc = waitpid(pid, &status, WNOHANG);
  } while (rc < 0 && errno == EINTR);
  if (rc == pid && wait_status != nullptr) *wait_status = status;
  return rc == pid || (rc < 0 && errno == ECHILD);
}

bool process_alive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

bool process_matches(pid_t pid, const std::string& needle) {
  if (!process_alive(pid)) return false;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  // A zombie has an empty command line: it is not running any more.
  return !text.empty() && text.find(needle) != std::string::npos;
}

bool terminate(pid_t pid, bool is_child, int timeout_ms) {
  auto gone = [&] { return is_child ? child_exited(pid) : !process_matches(pid, ""); };
  if (gone()) return true;
  kill(pid, SIGTERM);
  if (wait_until(gone, timeout_ms)) return true;
  kill(pid, SIGKILL);
  return wait_until(gone, kKillWaitMs);
}

Child::Child(const SpawnOptions& options) {
  std::string error;
  const auto pid = spawn(options, error);
  if (!pid) throw std::runtime_error(error);
  pid_ = *pid;
}

Child::~Child() {
  if (pid_ > 0) kill();
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_status_(other.exit_status_) {}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) kill();
    pid_ = std::exchange(other.pid_, -1);
    exit_status_ = other.exit_status_;
  }
  return *this;
}

bool Child::running() {
  if (pid_ <= 0 || exit_status_ >= 0) return false;
  int status = 0;
  if (!child_exited(pid_, &status)) return true;
  exit_status_ = exit_status_of(status);
  return false;
}

std::optional<int> Child::wait(int timeout_ms) {
  if (!wait_until([this] { return !running(); }, timeout_ms)) return std::nullopt;
  return exit_status_;
}

bool Child::signal(int signal) { return running() && ::kill(pid_, signal) == 0; }

int Child::stop(int timeout_ms) {
  if (!running()) return exit_status_;
  ::kill(pid_, SIGTERM);
  if (wait(timeout_ms)) return exit_status_;
  kill();
  return exit_status_;
}

bool Child::kill() {
  if (!running()) return false;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_status_ = exit_status_of(status);
  return true;
}

pid_t Child::release() { return std::exchange(pid_, -1); }

}  // namespace ledger::local::process
