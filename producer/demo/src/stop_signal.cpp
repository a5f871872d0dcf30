#include "ledger/producer/demo/stop_signal.hpp"

#include <csignal>

namespace ledger::producer::demo {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
std::atomic<int> g_count{0};
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

extern "C" void ledger_demo_on_stop_signal(int signal_number) {
  g_signal.store(signal_number);
  g_stop.store(true);
  if (g_count.fetch_add(1) >= 1 && signal_number == SIGINT) {
    std::signal(SIGINT, SIG_DFL);  // async-signal-safe; the next Ctrl-C ends the process
  }
}

}  // namespace

StopSignal::StopSignal() {
  g_stop.store(false);
  g_signal.store(0);
  g_count.store(0);
  struct sigaction action {};
  action.sa_handler = ledger_demo_on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

StopSignal::~StopSignal() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

const std::atomic<bool>& StopSignal::flag() const { return g_stop; }
int StopSignal::signal_number() const { return g_signal.load(); }
void StopSignal::request_stop() { g_stop.store(true); }

}  // namespace ledger::producer::demo
