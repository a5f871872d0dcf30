// The process library: exit statuses, output to a log or captured, timeouts, stop requests,
// errors that name what failed, the child's environment and descriptors, and Child's RAII.
#include "ledger/local/process/process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace ledger::local::process {
namespace {

using namespace std::chrono_literals;

SpawnOptions sh(const std::string& script) {
  SpawnOptions options;
  options.argv = {"sh", "-c", script};
  return options;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("ledger-process-test-" + std::to_string(getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(Process, RunReturnsTheExitCode) {
  std::string error;
  EXPECT_EQ(run(sh("exit 0"), 10'000, error), 0) << error;
  EXPECT_EQ(run(sh("exit 7"), 10'000, error), 7) << error;
}

TEST(Process, RunCapturesStdoutAndStderr) {
  std::string error;
  std::string output;
  ASSERT_EQ(run(sh("echo out; echo err >&2"), 10'000, error, &output), 0) << error;
  EXPECT_EQ(output, "out\nerr\n");
}

TEST(Process, CaptureDoesNotWaitForADaemonThatKeepsTheOutputOpen) {
  // The child leaves a grandchild holding the pipe (like `pg_ctl start` leaves the server).
  std::string error;
  std::string output;
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run(sh("sleep 30 & echo $!; exit 0"), 10'000, error, &output), 0) << error;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  const pid_t daemon = static_cast<pid_t>(std::stol(output));
  EXPECT_TRUE(process_matches(daemon, "sleep"));
  EXPECT_TRUE(terminate(daemon, false, 5'000));
}

TEST(Process, LogIsAppendedOrTruncated) {
  TempDir dir;
  const auto log = dir.path() / "child.log";
  SpawnOptions options = sh("echo one");
  options.log_path = log.string();
  std::string error;
  ASSERT_EQ(run(options, 10'000, error), 0) << error;
  ASSERT_EQ(run(options, 10'000, error), 0) << error;
  EXPECT_EQ(read_file(log), "one\none\n");
  options.truncate_log = true;
  ASSERT_EQ(run(options, 10'000, error), 0) << error;
  EXPECT_EQ(read_file(log), "one\n");
}

TEST(Process, AMissingProgramIsAnErrorNamingIt) {
  SpawnOptions options;
  options.argv = {"ledger-no-such-program-anywhere"};
  std::string error;
  EXPECT_FALSE(run(options, 10'000, error).has_value());
  EXPECT_NE(error.find("ledger-no-such-program-anywhere"), std::string::npos) << error;
  EXPECT_NE(error.find("cannot start ledger-no-such-program-anywhere: not found"),
            std::string::npos)
      << error;
  options.argv = {"/nonexistent/bin/tool"};
  EXPECT_FALSE(spawn(options, error).has_value());
  EXPECT_NE(error.find("/nonexistent/bin/tool"), std::string::npos) << error;
}

TEST(Process, AnUnwritableLogIsAnErrorNotAnExitStatus) {
  SpawnOptions options = sh("exit 0");
  options.log_path = "/nonexistent-dir/child.log";
  std::string error;
  EXPECT_FALSE(run(options, 10'000, error).has_value());
  EXPECT_NE(error.find("cannot open its log file /nonexistent-dir/child.log"), std::string::npos)
      << error;
}

TEST(Process, AMissingWorkingDirIsAnError) {
  SpawnOptions options = sh("exit 0");
  options.working_dir = "/nonexistent-dir";
  std::string error;
  EXPECT_FALSE(spawn(options, error).has_value());
  EXPECT_NE(error.find("working directory"), std::string::npos) << error;
}

TEST(Process, TimeoutStopsTheChild) {
  std::string error;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(run(sh("exec sleep 30"), 300, error).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_NE(error.find("did not finish within 300 ms"), std::string::npos) << error;
}

TEST(Process, AChildIgnoringSigtermIsKilled) {
  std::string error;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(run(sh("trap '' TERM; while :; do sleep 0.1; done"), 200, error).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);
}

TEST(Process, StopRequestEndsTheChild) {
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(200ms);
    stop.store(true);
  });
  std::string error;
  const auto status = run(sh("exec sleep 30"), 60'000, error, nullptr, &stop);
  stopper.join();
  EXPECT_FALSE(status.has_value());
  EXPECT_NE(error.find("signal 15"), std::string::npos) << error;
}

TEST(Process, EnvironmentIsAddedAndReplacedAndDirIsEntered) {
  TempDir dir;
  ::setenv("LEDGER_PROCESS_TEST_KEEP", "kept", 1);
  ::setenv("LEDGER_PROCESS_TEST_SWAP", "old", 1);
  SpawnOptions options =
      sh("echo $LEDGER_PROCESS_TEST_KEEP $LEDGER_PROCESS_TEST_SWAP $LEDGER_PROCESS_TEST_NEW; pwd");
  options.env_add = {"LEDGER_PROCESS_TEST_SWAP=new", "LEDGER_PROCESS_TEST_NEW=added"};
  options.working_dir = dir.path().string();
  std::string error;
  std::string output;
  ASSERT_EQ(run(options, 10'000, error, &output), 0) << error;
  EXPECT_EQ(output, "kept new added\n" + std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(Process, TheChildHasOnlyStandardDescriptorsAndDefaultSignals) {
  const int leaked = ::open("/dev/null", O_RDONLY);  // not close-on-exec
  ASSERT_GE(leaked, 0);
  signal(SIGPIPE, SIG_IGN);
  std::string error;
  std::string output;
  // ls of the child's own descriptors: 0, 1, 2, and the one ls opens to read the directory.
  const auto status =
      run(sh("ls /proc/self/fd | wc -l; grep SigIgn /proc/self/status"), 10'000, error, &output);
  ::close(leaked);
  signal(SIGPIPE, SIG_DFL);
  ASSERT_EQ(status, 0) << error;
  EXPECT_NE(output.find("4\n"), std::string::npos) << output;
  EXPECT_NE(output.find("SigIgn:\t0000000000000000"), std::string::npos) << output;
}

TEST(Process, ChildWaitStopAndKill) {
  Child quick(sh("exit 3"));
  EXPECT_EQ(quick.wait(10'000), 3);
  EXPECT_FALSE(quick.running());
  EXPECT_EQ(quick.exit_status(), 3);

  Child sleeper(sh("exec sleep 30"));
  EXPECT_TRUE(sleeper.running());
  EXPECT_FALSE(sleeper.wait(100).has_value());
  EXPECT_EQ(sleeper.stop(5'000), 128 + SIGTERM);

  TempDir dir;
  SpawnOptions stubborn_options = sh("trap '' TERM; echo trapped; while :; do sleep 0.1; done");
  stubborn_options.log_path = (dir.path() / "stubborn.log").string();
  Child stubborn(stubborn_options);
  const auto deadline = std::chrono::steady_clock::now() + 10s;  // until the trap is set
  while (read_file(stubborn_options.log_path) != "trapped\n" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(stubborn.stop(300), 128 + SIGKILL);
  EXPECT_FALSE(stubborn.kill());
}

TEST(Process, ChildIsKilledWhenDestroyedUnlessReleased) {
  pid_t owned = 0;
  {
    Child child(sh("exec sleep 30"));
    owned = child.pid();
    EXPECT_TRUE(process_alive(owned));
  }
  EXPECT_FALSE(process_alive(owned));  // killed and reaped: no zombie left

  pid_t released = 0;
  {
    Child child(sh("exec sleep 30"));
    released = child.release();
  }
  EXPECT_TRUE(process_matches(released, "sleep"));
  EXPECT_TRUE(terminate(released, true, 5'000));
  EXPECT_FALSE(process_alive(released));
}

TEST(Process, TerminateStopsAChildInItsOwnSession) {
  TempDir dir;
  SpawnOptions options;
  options.argv = {"sleep", "3600"};
  options.log_path = (dir.path() / "sleep.log").string();
  options.new_session = true;
  std::string error;
  const auto pid = spawn(options, error);
  ASSERT_TRUE(pid) << error;
  EXPECT_EQ(getsid(*pid), *pid);  // the leader of a new session: no terminal signals reach it
  EXPECT_TRUE(process_matches(*pid, "3600"));  // spawn returns after the exec
  EXPECT_TRUE(terminate(*pid, true, 5'000));
  EXPECT_FALSE(process_matches(*pid, "3600"));
}

TEST(Process, ChildConstructorThrowsWithTheReason) {
  SpawnOptions options;
  options.argv = {"/nonexistent/bin/tool"};
  try {
    Child child(options);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/bin/tool"), std::string::npos);
  }
}

TEST(Process, ProcessMatchesLooksAtTheCommandLine) {
  Child child(sh("exec sleep 31"));
  bool matched = false;
  for (int i = 0; i < 100 && !matched; ++i) {  // until the exec happened
    matched = process_matches(child.pid(), "31");
    if (!matched) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(matched);
  EXPECT_FALSE(process_matches(child.pid(), "no-such-argument"));
  child.kill();
  EXPECT_FALSE(process_matches(child.pid(), "31"));
}

TEST(Process, RunsAsAnotherUserWhenRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "switching users needs root";
  const auto nobody = find_system_user("nobody");
  ASSERT_TRUE(nobody.has_value());
  SpawnOptions options;
  options.argv = {"id", "-u"};
  options.user = nobody;
  std::string error;
  std::string output;
  ASSERT_EQ(run(options, 10'000, error, &output), 0) << error;
  EXPECT_EQ(output, std::to_string(nobody->uid) + "\n");
  EXPECT_FALSE(find_system_user("ledger-no-such-user").has_value());
}

TEST(Process, FindProgramSearchesPath) {
  const auto found = find_program("sh");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->front(), '/');
  EXPECT_FALSE(find_program("ledger-no-such-program-anywhere").has_value());
  EXPECT_FALSE(find_program("/tmp").has_value());  // a directory is not a program
  EXPECT_EQ(find_program("/bin/sh"), "/bin/sh");
}

}  // namespace
}  // namespace ledger::local::process
