// `ledger broker start|stop|status` for the real Apache Kafka broker: the orchestration.
#include "ledger/local/broker.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "../files.hpp"
#include "broker_detail.hpp"
#include "ledger/local/process/process.hpp"

namespace ledger::local {
namespace {

namespace fs = std::filesystem;
using detail::BrokerLayout;
constexpr int kStartLockTimeoutMs = 900'000;  // another start may be downloading Kafka
constexpr int kProbeTimeoutMs = 1'000;
constexpr int kLogLinesShown = 40;
constexpr int kTopicTimeoutMs = 60'000;
constexpr int kExitFailure = 1;
constexpr int kExitInterrupted = 130;

long elapsed_ms_since(std::chrono::steady_clock::time_point started) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count());
}

void say(const std::string& line) { std::cerr << "ledger broker: " << line << "\n"; }

int fail(const std::string& message) {
  std::cerr << "ledger broker: error: " << message << "\n";
  return kExitFailure;
}

std::string log_excerpt(const BrokerLayout& layout) {
  return "end of " + layout.log + ":\n" + file_tail(layout.log, kLogLinesShown);
}

pid_t read_pid(const BrokerLayout& layout) { return read_pid_file(layout.pid_file); }

int port_of(const std::string& bootstrap) {
  try {
    return std::stoi(bootstrap.substr(bootstrap.rfind(':') + 1));
  } catch (const std::exception&) {
    return 0;
  }
}

// Signals that end a foreground broker; blocked so they are taken with sigtimedwait().
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

bool stop_requested() {
  const sigset_t set = stop_signals();
  const timespec no_wait{0, 0};
  return sigtimedwait(&set, nullptr, &no_wait) > 0;
}

// The running broker's address, after it answers and the topic exists.
int report_running(const BrokerLayout& layout, pid_t pid, const LocalBrokerOptions& options) {
  const auto bootstrap = read_first_line(layout.bootstrap);
  if (!bootstrap)
    return fail("broker pid " + std::to_string(pid) + " runs but " + layout.bootstrap +
                " is missing; run `ledger broker stop` first");
  std::string error;
  const auto alive = [&] { return process::process_matches(pid, layout.process_tag); };
  if (!detail::wait_until_answering(*bootstrap, options.ready_timeout_ms, alive, error)) {
    return fail(error + "\n" + log_excerpt(layout));
  }
  std::string note;
  if (!detail::ensure_topic(*bootstrap, options.topic, options.partitions, kTopicTimeoutMs, note,
                            error)) {
    return fail(error);
  }
  say("already running (pid " + std::to_string(pid) + "); " + note);
  if (port_of(*bootstrap) != options.port) {
    say("note: it listens on " + *bootstrap + ", not on --port " + std::to_string(options.port) +
        "; stop it first to change ports");
  }
  std::cout << *bootstrap << std::endl;
  return EXIT_SUCCESS;
}

// Waits for the new broker to answer, then makes the topic and writes the bootstrap file.
int make_ready(const BrokerLayout& layout, pid_t pid, const LocalBrokerOptions& options,
               const std::string& bootstrap) {
  const auto started = std::chrono::steady_clock::now();
  bool interrupted = false;
  const auto keep_waiting = [&] {
    interrupted = interrupted || stop_requested();
    return !interrupted && !process::child_exited(pid);
  };
  std::string error;
  if (!detail::wait_until_answering(bootstrap, options.ready_timeout_ms, keep_waiting, error)) {
    if (interrupted) return kExitInterrupted;
    if (process::child_exited(pid)) error = "the broker exited during startup";
    return fail(error + "\n" + log_excerpt(layout));
  }
  std::string note;
  if (!detail::ensure_topic(bootstrap, options.topic, options.partitions, kTopicTimeoutMs, note,
                            error)) {
    return fail(error + "\n" + log_excerpt(layout));
  }
  if (!write_file_atomic(layout.bootstrap, bootstrap + "\n", error)) return fail(error);
  const long elapsed_ms = elapsed_ms_since(started);
  say("Apache Kafka ready in " + std::to_string(elapsed_ms) + " ms (pid " + std::to_string(pid) +
      ", log " + layout.log + "); " + note);
  std::cout << bootstrap << std::endl;
  return EXIT_SUCCESS;
}

// Foreground: wait for SIGINT/SIGTERM or for the broker to exit on its own.
int serve_until_signal(const BrokerLayout& layout, pid_t pid, int stop_timeout_ms) {
  say("serving until Ctrl-C (SIGINT) or SIGTERM");
  const sigset_t set = stop_signals();
  const timespec half_second{0, 500'000'000};
  int status = 0;
  while (true) {
    const int signal_number = sigtimedwait(&set, nullptr, &half_second);
    if (signal_number > 0) break;
    if (process::child_exited(pid, &status)) {
      std::error_code ec;
      fs::remove(layout.pid_file, ec);
      return fail("the broker exited unexpectedly\n" + log_excerpt(layout));
    }
  }
  say("stopping the broker (pid " + std::to_string(pid) + ")...");
  const bool stopped = process::terminate(pid, true, stop_timeout_ms);
  std::error_code ec;
  fs::remove(layout.pid_file, ec);
  if (!stopped) return fail("the broker did not stop");
  say("stopped");
  return EXIT_SUCCESS;
}

// Refuses ports that something else already answers on.
bool ports_free(const detail::BrokerPorts& ports, std::string& error) {
  for (const int port : {ports.client, ports.controller}) {
    if (port_accepts(port, kProbeTimeoutMs)) {
      error = "127.0.0.1:" + std::to_string(port) +
              " is already in use by another process; choose other ports with --port and "
              "--controller-port";
      return false;
    }
  }
  return true;
}

std::optional<pid_t> launch(const BrokerLayout& layout, const LocalBrokerOptions& options,
                            const detail::BrokerPorts& ports, std::string& error) {
  if (!process::find_program("java")) {
    error =
        "java is not on PATH; the local broker needs Java 17 or newer "
        "(Debian: apt-get install openjdk-17-jre-headless)";
    return std::nullopt;
  }
  const auto cache_dir = resolve_cache_dir(options.cache_dir, error);
  if (!cache_dir) return std::nullopt;
  const auto libs =
      ensure_kafka_libs(options.pom_path, *cache_dir, options.resolve_timeout_ms, error);
  if (!libs) return std::nullopt;
  if (!detail::write_broker_config(layout, ports, options.partitions, error)) return std::nullopt;
  const bool fresh = !fs::exists(fs::path(layout.data_dir) / "meta.properties");
  const auto format_started = std::chrono::steady_clock::now();
  if (!detail::format_storage_if_needed(layout, *libs, error)) return std::nullopt;
  if (fresh) {
    say("formatted KRaft storage in " + layout.data_dir + " (" +
        std::to_string(elapsed_ms_since(format_started)) + " ms)");
  }
  std::error_code ec;
  if (fs::exists(layout.log)) fs::rename(layout.log, layout.log + ".1", ec);
  process::SpawnOptions java;
  java.argv = detail::broker_command_line(layout, *libs, options.heap_max);
  java.log_path = layout.log;
  java.working_dir = layout.kafka_dir;
  java.new_session = true;  // Ctrl-C reaches us, and we stop the broker in order
  const auto pid = process::spawn(java, error);
  if (pid && !write_file_atomic(layout.pid_file, std::to_string(*pid) + "\n", error)) {
    process::terminate(*pid, true, options.stop_timeout_ms);
    return std::nullopt;
  }
  return pid;
}

// Starts a new broker and waits until it is ready; on failure nothing is left running.
int launch_and_wait(const BrokerLayout& layout, const LocalBrokerOptions& options, pid_t& pid) {
  const detail::BrokerPorts ports{
      options.port, options.controller_port > 0 ? options.controller_port : options.port + 1};
  std::string error;
  if (!ports_free(ports, error)) return fail(error);
  const auto launched = launch(layout, options, ports, error);
  if (!launched) return fail(error);
  pid = *launched;
  const int ready = make_ready(layout, pid, options, "127.0.0.1:" + std::to_string(ports.client));
  if (ready != EXIT_SUCCESS) {
    process::terminate(pid, true, options.stop_timeout_ms);
    std::error_code ec;
    fs::remove(layout.pid_file, ec);
  }
  return ready;
}

}  // namespace

LocalBrokerStatus local_broker_status(const std::string& state_dir) {
  const BrokerLayout layout = detail::broker_layout(state_dir);
  LocalBrokerStatus status;
  status.pid = static_cast<int>(read_pid(layout));
  status.bootstrap = read_first_line(layout.bootstrap).value_or("");
  const bool alive = status.pid > 0 && process::process_matches(status.pid, layout.process_tag);
  const int port = port_of(status.bootstrap);
  status.running = alive && port > 0 && port_accepts(port, kProbeTimeoutMs);
  if (status.running) {
    status.description = "running at " + status.bootstrap + " (pid " + std::to_string(status.pid) +
                         ", state " + layout.kafka_dir + ")";
  } else if (alive) {
    status.description = "pid " + std::to_string(status.pid) + " is alive but " +
                         (status.bootstrap.empty() ? "has no bootstrap file yet"
                                                   : status.bootstrap + " does not answer");
  } else if (status.pid > 0) {
    status.description =
        "not running (stale pid file: pid " + std::to_string(status.pid) + " is gone)";
  } else {
    status.description = "not running (no broker under " + layout.kafka_dir + ")";
  }
  return status;
}

int start_local_broker(const LocalBrokerOptions& options, bool detach) {
  const BrokerLayout layout = detail::broker_layout(options.state_dir);
  std::error_code ec;
  fs::create_directories(layout.kafka_dir, ec);
  if (ec) return fail("cannot create " + layout.kafka_dir + ": " + ec.message());
  pid_t pid = 0;
  {
    // Held until the broker is ready (not while it serves), so a concurrent start waits and
    // then finds it running.
    const FileLock lock(layout.start_lock, kStartLockTimeoutMs);
    if (!lock.locked()) return fail("another `ledger broker start` holds " + layout.start_lock);
    // Block SIGINT/SIGTERM before any thread exists so that they are handled here, in order.
    const sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    const pid_t previous = read_pid(layout);
    if (previous > 0 && process::process_matches(previous, layout.process_tag)) {
      return report_running(layout, previous, options);
    }
    if (previous > 0 || fs::exists(layout.pid_file)) {
      say("removing stale pid file (pid " + std::to_string(previous) + " is not running)");
      fs::remove(layout.pid_file, ec);
    }
    const int status = launch_and_wait(layout, options, pid);
    if (status != EXIT_SUCCESS || detach) return status;
  }
  return serve_until_signal(layout, pid, options.stop_timeout_ms);
}

int stop_local_broker(const std::string& state_dir, int stop_timeout_ms) {
  const BrokerLayout layout = detail::broker_layout(state_dir);
  const pid_t pid = read_pid(layout);
  std::error_code ec;
  if (pid <= 0 || !process::process_matches(pid, layout.process_tag)) {
    if (fs::remove(layout.pid_file, ec)) say("removed stale pid file");
    say("no broker running under " + layout.kafka_dir);
    return EXIT_SUCCESS;
  }
  say("stopping the broker (pid " + std::to_string(pid) + ")...");
  const auto started = std::chrono::steady_clock::now();
  if (!process::terminate(pid, false, stop_timeout_ms)) {
    return fail("pid " + std::to_string(pid) + " did not stop");
  }
  fs::remove(layout.pid_file, ec);
  const long elapsed_ms = elapsed_ms_since(started);
  say("stopped in " + std::to_string(elapsed_ms) + " ms");
  return EXIT_SUCCESS;
}

}  // namespace ledger::local
