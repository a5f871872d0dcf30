#include "replay_progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ledger::projector {
namespace {

std::string rate_text(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.2f}M ev/s", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.1f}k ev/s", per_second / 1e3);
  return fmt::format("{:.0f} ev/s", per_second);
}

std::string eta_text(const ReplayProgress& p, double rate) {
  if (p.events_total <= p.events_done) return "ETA 0s";
  if (rate <= 0.0) return "ETA ?";
  const auto seconds =
      static_cast<long long>(std::ceil(static_cast<double>(p.events_total - p.events_done) / rate));
  if (seconds >= 3600) return fmt::format("ETA {}h{:02}m", seconds / 3600, (seconds / 60) % 60);
  if (seconds >= 60) return fmt::format("ETA {}m{:02}s", seconds / 60, seconds % 60);
  return fmt::format("ETA {}s", seconds);
}

double rate_of(const ReplayProgress& p) {
  return p.seconds > 0.0 ? static_cast<double>(p.events_done) / p.seconds : 0.0;
}

double percent_of(const ReplayProgress& p) {
  if (p.events_total <= 0) return 100.0;
  return std::min(100.0,
                  100.0 * static_cast<double>(p.events_done) / static_cast<double>(p.events_total));
}

}  // namespace

ReplayProgressPrinter::ReplayProgressPrinter(std::FILE* out, bool terminal, int line_interval_ms)
    : out_(out), terminal_(terminal), line_interval_ms_(line_interval_ms) {}

std::string ReplayProgressPrinter::bar_line(const ReplayProgress& p) {
  constexpr int kWidth = 20;
  const double percent = percent_of(p);
  const int filled = static_cast<int>(percent / 100.0 * kWidth);
  const double rate = rate_of(p);
  return fmt::format("{:<8} [{}{}] {:5.1f}%  {}/{} events  {}  {}", p.phase,
                     std::string(static_cast<std::size_t>(filled), '#'),
                     std::string(static_cast<std::size_t>(kWidth - filled), '.'), percent,
                     p.events_done, p.events_total, rate_text(rate), eta_text(p, rate));
}

std::string ReplayProgressPrinter::plain_line(const ReplayProgress& p) {
  const double rate = rate_of(p);
  return fmt::format("replay {}: {}/{} events ({:.1f}%), {}, {}, {:.1f}s elapsed", p.phase,
                     p.events_done, p.events_total, percent_of(p), rate_text(rate),
                     eta_text(p, rate), p.seconds);
}

void ReplayProgressPrinter::operator()(const ReplayProgress& progress) {
  const auto now = std::chrono::steady_clock::now();
  const bool phase_changed = progress.phase != last_phase_;
  const auto interval = std::chrono::milliseconds(terminal_ ? 100 : line_interval_ms_);
  latest_ = progress;
  pending_ = true;
  if (!phase_changed && drawn_ && now - last_ < interval) return;
  last_ = now;
  pending_ = false;
  if (terminal_) {
    if (phase_changed && drawn_) std::fputc('\n', out_);
    std::fprintf(out_, "\r%s\x1b[K", bar_line(progress).c_str());
  } else {
    std::fprintf(out_, "%s\n", plain_line(progress).c_str());
  }
  std::fflush(out_);
  last_phase_ = progress.phase;
  drawn_ = true;
}

void ReplayProgressPrinter::finish() {
  if (pending_) {
    if (terminal_)
      std::fprintf(out_, "\r%s\x1b[K", bar_line(latest_).c_str());
    else
      std::fprintf(out_, "%s\n", plain_line(latest_).c_str());
    pending_ = false;
  }
  if (terminal_ && drawn_) std::fputc('\n', out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace ledger::projector
