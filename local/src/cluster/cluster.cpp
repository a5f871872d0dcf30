#include "ledger/local/cluster.hpp"

#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <pqxx/pqxx>
#include <thread>

#include "../files.hpp"
#include "cluster_settings.hpp"
#include "ledger/local/process/process.hpp"

namespace ledger::local {
namespace {

namespace fs = std::filesystem;
using process::SystemUser;

constexpr std::size_t socket_dir_length_max = 90;  // sun_path is 108 bytes with ".s.PGSQL.N"
constexpr int connect_attempts_max = 50;
constexpr int connect_retry_ms = 200;
constexpr int lock_timeout_ms = 300'000;  // another start or stop on the same state dir
constexpr int program_grace_ms = 30'000;  // beyond pg_ctl's own -t

struct ClusterPaths {
  std::string root, data, run, password, uri, server_log, pg_ctl_log, init_log, lock, timescaledb;
};

ClusterPaths cluster_paths(const std::string& state_dir) {
  const fs::path root = fs::weakly_canonical(fs::absolute(state_dir)) / "postgres";
  return ClusterPaths{root.string(),
                      (root / "data").string(),
                      (root / "run").string(),
                      (root / "password").string(),
                      (root / "uri").string(),
                      (root / "server.log").string(),
                      (root / "pg_ctl.log").string(),
                      (root / "initdb.log").string(),
                      (root / "lock").string(),
                      (root / "timescaledb").string()};
}

// Runs a PostgreSQL program as the cluster's user, its output appended to `log_path` (mode
// 0640). Its exit code, or -1 with `error` when it could not run or ran past the timeout.
int run_program(const std::vector<std::string>& argv, const std::optional<SystemUser>& user,
                const std::string& log_path, int timeout_ms, std::string& error) {
  process::SpawnOptions options;
  options.argv = argv;
  options.log_path = log_path;
  options.log_mode = 0640;
  options.user = user;
  return process::run(options, timeout_ms, error).value_or(-1);
}

int program_timeout_ms(const LocalClusterOptions& options) {
  return options.start_timeout_s * 1000 + program_grace_ms;
}

// The user initdb/pg_ctl run as: `postgres` when we are root, ourselves otherwise.
bool cluster_user(std::optional<SystemUser>& user, std::string& error) {
  if (geteuid() != 0) return true;
  user = process::find_system_user("postgres");
  if (!user) error = "running as root needs the unprivileged 'postgres' system user; none found";
  return user.has_value();
}

bool ensure_dirs(const ClusterPaths& paths, const std::optional<SystemUser>& user,
                 std::string& error) {
  std::error_code ec;
  fs::create_directories(paths.root, ec);
  if (ec) {
    error = "cannot create " + paths.root + ": " + ec.message();
    return false;
  }
  fs::create_directories(paths.run, ec);
  chmod(paths.root.c_str(), 0700);
  chmod(paths.run.c_str(), 0700);
  if (!user) return true;
  if (chown(paths.root.c_str(), user->uid, user->gid) != 0 ||
      chown(paths.run.c_str(), user->uid, user->gid) != 0) {
    error = "cannot give " + paths.root + " to the postgres user";
    return false;
  }
  std::string run_error;
  if (run_program({"/usr/bin/test", "-w", paths.root, "-a", "-x", paths.root}, user, "",
                  program_grace_ms, run_error) != 0) {
    error = "the postgres system user cannot write " + paths.root +
            ": make every parent directory traversable (chmod o+x)";
    return false;
  }
  return true;
}

std::string first_line(const std::string& path) { return read_first_line(path).value_or(""); }

bool ensure_password(const ClusterPaths& paths, const std::optional<SystemUser>& user,
                     std::string& error) {
  if (!first_line(paths.password).empty()) return true;
  unsigned char bytes[18];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    error = "cannot generate a password: OpenSSL RAND_bytes failed";
    return false;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string password;
  for (const unsigned char byte : bytes) {
    password += hex[byte >> 4];
    password += hex[byte & 0xF];
  }
  return write_file_atomic(paths.password, password + "\n", error, 0600, user);
}

std::string sql_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += (c == '\'') ? std::string("''") : std::string(1, c);
  return out + "'";
}

bool init_cluster(const ClusterPaths& paths, const LocalClusterOptions& options,
                  const std::optional<SystemUser>& user, std::string& error) {
  if (fs::exists(paths.data + "/PG_VERSION")) return true;
  if (fs::exists(paths.data) && !fs::is_empty(paths.data)) {
    error = paths.data + " exists but holds no cluster (no PG_VERSION): remove it and retry";
    return false;
  }
  if (!ensure_password(paths, user, error)) return false;
  std::vector<std::string> argv = {options.bin_dir + "/initdb",
                                   "-D",
                                   paths.data,
                                   "-U",
                                   "postgres",
                                   "--auth=scram-sha-256",
                                   "--pwfile=" + paths.password,
                                   "-E",
                                   "UTF8",
                                   "--no-locale"};
  if (options.no_sync) argv.push_back("--no-sync");
  const int rc = run_program(argv, user, paths.init_log, program_grace_ms * 4, error);
  if (rc != 0) {
    error = "initdb failed (exit " + std::to_string(rc) + ") " + error + "; " + paths.init_log +
            ":\n" + file_tail(paths.init_log, 20);
    return false;
  }
  std::ofstream conf(paths.data + "/postgresql.conf", std::ios::app);
  conf << "\n# Added by `ledger db start`: a private development cluster.\n"
          "listen_addresses = '127.0.0.1'\n"
          "max_connections = 200\n"
          "timezone = 'UTC'\n"
          "log_timezone = 'UTC'\n"
          "include_if_exists = 'ledger_runtime.conf'\n";
  if (!conf) {
    error = "cannot append to " + paths.data + "/postgresql.conf";
    return false;
  }
  return true;
}

struct PidFile {
  long pid = 0;
  int port = 0;
};

std::optional<PidFile> read_postmaster_pid(const std::string& data_dir) {
  std::ifstream in(data_dir + "/postmaster.pid");
  std::string lines[4];
  for (std::string& line : lines) {
    if (!std::getline(in, line)) return std::nullopt;
  }
  try {
    return PidFile{std::stol(lines[0]), std::stoi(lines[3])};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Whether `pid` is a postmaster serving `data_dir` (not a reused pid of another program).
bool is_cluster_process(long pid, const std::string& data_dir) {
  const std::string proc = "/proc/" + std::to_string(pid);
  std::error_code ec;
  if (!fs::exists(proc, ec)) return false;
  // A killed postmaster whose parent does not reap it stays a zombie: not running.
  const std::string stat = first_line(proc + "/stat");
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  const char state = stat[paren + 2];
  if (state == 'Z' || state == 'X') return false;
  const fs::path cwd = fs::read_symlink(proc + "/cwd", ec);
  if (!ec) return fs::equivalent(cwd, data_dir, ec);
  return first_line(proc + "/comm") == "postgres";
}
std::string make_uri(const ClusterPaths& paths, int port) {
  const std::string password = first_line(paths.password);
  const std::string auth = password.empty() ? "postgres" : "postgres:" + password;
  return "postgresql://" + auth + "@127.0.0.1:" + std::to_string(port) + "/postgres";
}

// Fills status.running/pid/port from postmaster.pid; removes a stale pid file (the server was
// killed and the pid is gone or reused) together with stale socket lock files.
void probe(const ClusterPaths& paths, LocalClusterStatus& status) {
  const std::optional<PidFile> pid_file = read_postmaster_pid(paths.data);
  status.running = pid_file && is_cluster_process(pid_file->pid, paths.data);
  if (status.running) {
    status.pid = pid_file->pid;
    status.port = pid_file->port;
    status.uri = make_uri(paths, status.port);
    std::ifstream conf(paths.data + "/ledger_runtime.conf");
    status.timescaledb = detail::conf_preloads_timescaledb(
        std::string(std::istreambuf_iterator<char>(conf), std::istreambuf_iterator<char>()));
  }
}

void remove_stale_files(const ClusterPaths& paths) {
  std::error_code ec;
  if (fs::remove(paths.data + "/postmaster.pid", ec)) {
    std::ofstream(paths.server_log, std::ios::app)
        << "ledger db: removed stale postmaster.pid (server was not running)\n";
  }
  for (const auto& entry : fs::directory_iterator(paths.run, ec)) {
    if (entry.path().filename().string().rfind(".s.PGSQL.", 0) == 0) fs::remove(entry.path(), ec);
  }
}

bool write_runtime_conf(const ClusterPaths& paths, const LocalClusterOptions& options,
                        bool timescaledb, const std::optional<SystemUser>& user,
                        std::string& error) {
  const std::string socket_dir = paths.run.size() <= socket_dir_length_max ? paths.run : "";
  std::string conf =
      "# Written by `ledger db start` on every start.\nport = " + std::to_string(options.port) +
      "\nunix_socket_directories = " + sql_quote(socket_dir) + "\n";
  if (options.no_sync) {
    conf +=
        "# --no-sync: a throwaway cluster; an OS crash may corrupt it.\n"
        "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
  }
  std::string extra;
  if (!detail::extra_server_conf(timescaledb, options.settings, extra, error)) return false;
  conf += extra;
  return write_file_atomic(paths.data + "/ledger_runtime.conf", conf, error, 0600, user);
}

bool wait_for_connections(const std::string& uri, std::string& error) {
  for (int attempt = 0; attempt < connect_attempts_max; ++attempt) {
    try {
      pqxx::connection connection(uri + "?connect_timeout=5");
      return true;
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(connect_retry_ms));
  }
  error = "the server does not accept connections: " + error;
  return false;
}

bool launch(const ClusterPaths& paths, const LocalClusterOptions& options, bool timescaledb,
            const std::optional<SystemUser>& user, LocalClusterStatus& status, std::string& error) {
  remove_stale_files(paths);
  if (!write_runtime_conf(paths, options, timescaledb, user, error)) return false;
  const int rc =
      run_program({options.bin_dir + "/pg_ctl", "start", "-D", paths.data, "-l", paths.server_log,
                   "-w", "-t", std::to_string(options.start_timeout_s)},
                  user, paths.pg_ctl_log, program_timeout_ms(options), error);
  probe(paths, status);
  if (rc != 0 || !status.running) {
    error = "pg_ctl start failed (exit " + std::to_string(rc) + ") " + error + "; " +
            paths.server_log + ":\n" + file_tail(paths.server_log, 15);
    return false;
  }
  status.note = "started";
  return true;
}

}  // namespace

bool start_local_cluster(const LocalClusterOptions& options, LocalClusterStatus& status,
                         std::string& error) {
  status = LocalClusterStatus{};
  const ClusterPaths paths = cluster_paths(options.state_dir);
  std::optional<SystemUser> user;
  if (!cluster_user(user, error) || !ensure_dirs(paths, user, error)) return false;
  FileLock lock(paths.lock, lock_timeout_ms);
  if (!lock.locked()) {
    error = "cannot lock " + paths.lock + " (another `ledger db` on this state dir?)";
    return false;
  }
  const bool cluster_is_new = !fs::exists(paths.data + "/PG_VERSION");
  if (!init_cluster(paths, options, user, error)) return false;
  bool timescaledb = false;
  if (!detail::resolve_timescaledb(paths.timescaledb, options.bin_dir, options.timescaledb,
                                   cluster_is_new, timescaledb, error)) {
    return false;
  }
  probe(paths, status);
  if (status.running) {  // it keeps the settings it was started with until stopped
    status.note = status.timescaledb == timescaledb ? "already running"
                  : status.timescaledb ? "already running (with TimescaleDB until restarted)"
                                       : "already running (without TimescaleDB until restarted)";
  } else if (!launch(paths, options, timescaledb, user, status, error)) {
    return false;
  }
  if (!wait_for_connections(status.uri, error)) return false;
  return write_file_atomic(paths.uri, status.uri + "\n", error, 0600);
}

bool stop_local_cluster(const LocalClusterOptions& options, LocalClusterStatus& status,
                        std::string& error) {
  status = LocalClusterStatus{};
  const ClusterPaths paths = cluster_paths(options.state_dir);
  if (!fs::exists(paths.data + "/PG_VERSION")) {
    status.note = "no cluster in " + paths.data;
    return true;
  }
  std::optional<SystemUser> user;
  if (!cluster_user(user, error)) return false;
  FileLock lock(paths.lock, lock_timeout_ms);
  if (!lock.locked()) {
    error = "cannot lock " + paths.lock + " (another `ledger db` on this state dir?)";
    return false;
  }
  probe(paths, status);
  if (!status.running) {
    remove_stale_files(paths);
    status.note = "not running";
    return true;
  }
  const std::string timeout = std::to_string(options.start_timeout_s);
  int rc = run_program(
      {options.bin_dir + "/pg_ctl", "stop", "-D", paths.data, "-m", "fast", "-w", "-t", timeout},
      user, paths.pg_ctl_log, program_timeout_ms(options), error);
  if (rc != 0) {
    rc = run_program({options.bin_dir + "/pg_ctl", "stop", "-D", paths.data, "-m", "immediate",
                      "-w", "-t", timeout},
                     user, paths.pg_ctl_log, program_timeout_ms(options), error);
  }
  probe(paths, status);
  if (status.running) {
    error = "pg_ctl stop failed (exit " + std::to_string(rc) + ") " + error + "; see " +
            paths.pg_ctl_log;
    return false;
  }
  status.note = "stopped";
  return true;
}

LocalClusterStatus local_cluster_status(const LocalClusterOptions& options) {
  LocalClusterStatus status;
  const ClusterPaths paths = cluster_paths(options.state_dir);
  probe(paths, status);
  status.note = status.running ? "running"
                : fs::exists(paths.data + "/PG_VERSION")
                    ? "stopped"
                    : "not initialized (run `ledger db start`)";
  return status;
}

}  // namespace ledger::local
