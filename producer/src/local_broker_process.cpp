#include "local_broker_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

namespace ledger::producer::detail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPollIntervalMs = 50;

std::vector<std::string> merged_environment(const std::vector<std::string>& additions) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const std::string name = text.substr(0, text.find('='));
    bool replaced = false;
    for (const auto& addition : additions) {
      if (addition.substr(0, addition.find('=')) == name) replaced = true;
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

// Holds the posix_spawn attribute objects and frees them on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

void configure(SpawnSetup& setup, const SpawnOptions& options) {
  posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, options.log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&setup.actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
  if (!options.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&setup.actions, options.working_dir.c_str());
  }
  // The child starts with default signal handling and nothing blocked, whatever we block.
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGHUP);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&setup.attributes, &none);
  posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (options.new_session) flags = static_cast<short>(flags | POSIX_SPAWN_SETSID);
  posix_spawnattr_setflags(&setup.attributes, flags);
}

bool process_alive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

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

}  // namespace

std::optional<pid_t> spawn_process(const SpawnOptions& options, std::string& error) {
  if (options.argv.empty()) {
    error = "spawn_process: empty argv";
    return std::nullopt;
  }
  SpawnSetup setup;
  configure(setup, options);
  std::vector<std::string> args = options.argv;
  std::vector<std::string> env = merged_environment(options.env_add);
  std::vector<char*> argv = c_strings(args);
  std::vector<char*> envp = c_strings(env);
  pid_t pid = 0;
  const int rc =
      posix_spawnp(&pid, argv[0], &setup.actions, &setup.attributes, argv.data(), envp.data());
  if (rc != 0) {
    error = "cannot start " + options.argv[0] + ": " + std::strerror(rc);
    return std::nullopt;
  }
  return pid;
}

std::optional<int> run_process(const SpawnOptions& options, int timeout_ms, std::string& error) {
  const auto pid = spawn_process(options, error);
  if (!pid) return std::nullopt;
  int status = 0;
  if (!wait_until([&] { return child_exited(*pid, &status); }, timeout_ms)) {
    kill(*pid, SIGKILL);
    waitpid(*pid, &status, 0);
    error = options.argv[0] + " did not finish within " + std::to_string(timeout_ms / 1000) +
            " s and was killed";
    return std::nullopt;
  }
  if (WIFSIGNALED(status)) {
    error = options.argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status));
    return std::nullopt;
  }
  return WEXITSTATUS(status);
}

bool child_exited(pid_t pid, int* status) {
  int local_status = 0;
  const pid_t rc = waitpid(pid, &local_status, WNOHANG);
  if (rc == pid && status != nullptr) *status = local_status;
  return rc == pid || (rc < 0 && errno == ECHILD);
}

bool process_matches(pid_t pid, const std::string& needle) {
  if (pid <= 0 || !process_alive(pid)) return false;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  // A zombie has an empty command line: it is not running any more.
  return !text.empty() && text.find(needle) != std::string::npos;
}

bool terminate_process(pid_t pid, bool is_child, int timeout_ms) {
  auto gone = [&] { return is_child ? child_exited(pid) : !process_matches(pid, ""); };
  if (gone()) return true;
  kill(pid, SIGTERM);
  if (wait_until(gone, timeout_ms)) return true;
  kill(pid, SIGKILL);
  constexpr int kKillWaitMs = 10'000;
  return wait_until(gone, kKillWaitMs);
}

bool port_accepts(int port, int timeout_ms) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool connected = false;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    connected = true;
  } else if (errno == EINPROGRESS) {
    pollfd waiting{fd, POLLOUT, 0};
    if (poll(&waiting, 1, timeout_ms) == 1) {
      int socket_error = 0;
      socklen_t length = sizeof socket_error;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length);
      connected = socket_error == 0;
    }
  }
  close(fd);
  return connected;
}

bool program_on_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string directories(path);
  std::size_t start = 0;
  while (start <= directories.size()) {
    const std::size_t end = std::min(directories.find(':', start), directories.size());
    const std::string directory = directories.substr(start, end - start);
    const std::string candidate = (directory.empty() ? "." : directory) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

std::string file_tail(const std::string& path, int lines_max) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > static_cast<std::size_t>(lines_max)) lines.pop_front();
  }
  std::string text;
  for (const auto& kept : lines) text += "  | " + kept + "\n";
  return text;
}

std::optional<std::string> read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos) return std::nullopt;
  return line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
}

pid_t read_pid_file(const std::string& path) {
  const auto text = read_first_line(path);
  if (!text) return 0;
  try {
    const long value = std::stol(*text);
    return value > 0 ? static_cast<pid_t>(value) : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

bool write_file_atomic(const std::string& path, const std::string& text, std::string& error) {
  const std::string temporary = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      error = "cannot write " + temporary + ": " + std::strerror(errno);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    error = "cannot rename " + temporary + " to " + path + ": " + ec.message();
    std::filesystem::remove(temporary, ec);
    return false;
  }
  return true;
}

FileLock::FileLock(const std::string& path, int timeout_ms) {
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return;
  locked_ = wait_until([this] { return flock(fd_, LOCK_EX | LOCK_NB) == 0; }, timeout_ms);
}

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);  // closing releases the lock
}

}  // namespace ledger::producer::detail
