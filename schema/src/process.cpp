#include "process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>

namespace ledger::schema::detail {

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

namespace {

// Child side of run_program: only async-signal-safe calls until execv.
[[noreturn]] void exec_child(char* const* argv, const std::optional<SystemUser>& user,
                             const char* output_path) {
  if (output_path != nullptr) {
    const int fd = open(output_path, O_WRONLY | O_CREAT | O_APPEND, 0640);
    if (fd < 0) _exit(125);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    close(null_fd);
  }
  if (user) {
    const gid_t gid = user->gid;
    if (setgroups(1, &gid) != 0 || setgid(user->gid) != 0 || setuid(user->uid) != 0) _exit(124);
  }
  execv(argv[0], argv);
  _exit(127);
}

}  // namespace

int run_program(const std::vector<std::string>& argv, const std::optional<SystemUser>& user,
                const std::string& output_path, std::string& error) {
  std::vector<char*> raw;
  raw.reserve(argv.size() + 1);
  for (const std::string& arg : argv) raw.push_back(const_cast<char*>(arg.c_str()));
  raw.push_back(nullptr);
  const char* output = output_path.empty() ? nullptr : output_path.c_str();
  const pid_t pid = fork();
  if (pid < 0) {
    error = "fork failed: " + std::string(std::strerror(errno));
    return -1;
  }
  if (pid == 0) exec_child(raw.data(), user, output);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      error = "waitpid failed: " + std::string(std::strerror(errno));
      return -1;
    }
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  const int code = WEXITSTATUS(status);
  if (code == 124) error = "cannot switch to user " + (user ? user->name : std::string("?"));
  if (code == 125) error = "cannot open " + output_path;
  if (code == 127) error = "cannot execute " + argv[0];
  return code;
}

bool write_file_atomic(const std::string& path, const std::string& content, mode_t mode,
                       const std::optional<SystemUser>& owner, std::string& error) {
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    error = "cannot create " + temp + ": " + std::strerror(errno);
    return false;
  }
  bool ok = fchmod(fd, mode) == 0;
  if (ok && owner) ok = fchown(fd, owner->uid, owner->gid) == 0;
  std::size_t written = 0;
  while (ok && written < content.size()) {
    const ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  if (ok) ok = fsync(fd) == 0;
  const int saved_errno = errno;
  close(fd);
  if (ok && rename(temp.c_str(), path.c_str()) == 0) return true;
  error = "cannot write " + path + ": " + std::strerror(ok ? errno : saved_errno);
  unlink(temp.c_str());
  return false;
}

std::string tail_of_file(const std::string& path, int lines_max) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > static_cast<std::size_t>(lines_max)) lines.pop_front();
  }
  std::string out;
  for (const std::string& kept : lines) out += "  " + kept + "\n";
  return out;
}

}  // namespace ledger::schema::detail
