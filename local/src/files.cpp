#include "files.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

namespace ledger::local {
namespace {

constexpr int kLockPollMs = 50;

bool write_all(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

bool write_file_atomic(const std::string& path, const std::string& text, std::string& error,
                       mode_t mode, const std::optional<process::SystemUser>& owner) {
  const std::string temporary = path + ".tmp." + std::to_string(getpid());
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    error = "cannot create " + temporary + ": " + std::strerror(errno);
    return false;
  }
  bool ok = fchmod(fd, mode) == 0;
  if (ok && owner) ok = fchown(fd, owner->uid, owner->gid) == 0;
  ok = ok && write_all(fd, text) && fsync(fd) == 0;
  const int saved_errno = errno;
  close(fd);
  if (ok && rename(temporary.c_str(), path.c_str()) == 0) return true;
  error = "cannot write " + path + ": " + std::strerror(ok ? errno : saved_errno);
  unlink(temporary.c_str());
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

FileLock::FileLock(const std::string& path, int timeout_ms) {
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!(locked_ = flock(fd_, LOCK_EX | LOCK_NB) == 0)) {
    if (std::chrono::steady_clock::now() >= deadline) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(kLockPollMs));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);  // closing releases the lock
}

}  // namespace ledger::local
