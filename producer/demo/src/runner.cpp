#include "ledger/producer/demo/runner.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace ledger::producer::demo {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kStopCheckInterval = std::chrono::milliseconds(50);

std::int64_t wall_clock_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void run_demo(Publisher& publisher, const DemoRunOptions& options, const std::atomic<bool>& stop,
              DemoStats& stats) {
  Simulator simulator(options.simulator);
  const double rate = std::max(options.rate_events_per_s, 0.001);
  const auto started = Clock::now();
  const auto deadline = options.duration_ms > 0
                            ? started + std::chrono::milliseconds(options.duration_ms)
                            : Clock::time_point::max();
  double credit = 0.0;  // events we may send now
  auto last = started;
  while (!stop.load() && Clock::now() < deadline &&
         (options.events_max == 0 || stats.enqueued.load() < options.events_max)) {
    const auto now = Clock::now();
    credit = std::min(credit + std::chrono::duration<double>(now - last).count() * rate,
                      std::max(rate, 1.0));
    last = now;
    if (credit < 1.0) {
      const auto wait = std::chrono::duration<double>((1.0 - credit) / rate);
      std::this_thread::sleep_for(
          std::min(std::chrono::duration_cast<Clock::duration>(wait),
                   std::chrono::duration_cast<Clock::duration>(kStopCheckInterval)));
      continue;
    }
    credit -= 1.0;
    ledger::v1::Event event =
        options.real_time ? simulator.next_at(wall_clock_unix_ms()) : simulator.next();
    try {
      publisher.publish(std::move(event), [&stats](const DeliveryReport& report) {
        (report.delivered() ? stats.delivered : stats.failed).fetch_add(1);
      });
      stats.enqueued.fetch_add(1);
    } catch (const InvalidEvent&) {
      stats.invalid.fetch_add(1);
    }
  }
}

}  // namespace ledger::producer::demo
