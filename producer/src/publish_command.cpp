// `ledger publish [FILE|-]`: JSON Lines (one ledger.v1.Event per line, protobuf JSON) from a
// file or stdin through the Publisher. A bad line is reported on stderr with its line number
// and every reason; the good lines around it are still published. Exit status: 0 every line
// delivered, 1 some line rejected or not delivered, 2 usage or configuration error.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "command_registry.hpp"
#include "jsonl_parser.hpp"
#include "ledger/events/json.hpp"
#include "ledger/producer/kafka_options.hpp"
#include "ledger/producer/publisher.hpp"
#include "line_reader.hpp"
#include "stderr_log.hpp"

namespace ledger::producer {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kLineBytesMax = 8u << 20;  // above Kafka's default message.max.bytes
constexpr auto kProgressInterval = std::chrono::seconds(1);
constexpr std::size_t kParseWorkersMax = 8;  // JSON parsing threads

struct PublishArgs {
  std::string input = "-";
  KafkaOptions kafka;
  int flush_timeout_ms = 60'000;
};

// Counters shared by the reading thread and the Publisher's delivery callbacks.
struct PublishStats {
  std::atomic<std::uint64_t> lines_read{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> enqueued{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed{0};
  std::mutex stderr_mutex;  // one writer at a time on stderr

  template <typename... Args>
  void report(fmt::format_string<Args...> format, Args&&... args) {
    const std::string text = fmt::format(format, std::forward<Args>(args)...);
    std::lock_guard lock(stderr_mutex);
    std::fprintf(stderr, "%s\n", text.c_str());
  }
};

// Enqueues one parsed event; reports a rejected one with every reason.
void publish_event(Publisher& publisher, PublishStats& stats, ledger::v1::Event event,
                   std::uint64_t line_number) {
  try {
    publisher.publish(std::move(event), [&stats, line_number](const DeliveryReport& report) {
      if (report.delivered()) {
        stats.delivered.fetch_add(1);
        return;
      }
      stats.failed.fetch_add(1);
      stats.report(
          "line {}: not delivered (event_id {}{}): {}", line_number, report.event_id,
          report.persistence == Persistence::possibly_persisted ? ", may be in the log" : "",
          report.error);
    });
    stats.enqueued.fetch_add(1);
  } catch (const InvalidEvent& invalid) {
    stats.rejected.fetch_add(1);
    for (const auto& field_error : invalid.errors()) {
      stats.report("line {}: invalid event: {}", line_number, field_error.to_string());
    }
  }
}

void publish_line(Publisher& publisher, PublishStats& stats, detail::ParsedLine& line) {
  stats.lines_read.fetch_add(1);
  switch (line.kind) {
    case detail::ParsedLine::Kind::event:
      publish_event(publisher, stats, std::move(line.event), line.line_number);
      return;
    case detail::ParsedLine::Kind::blank:
      return;
    case detail::ParsedLine::Kind::too_long:
      stats.rejected.fetch_add(1);
      stats.report("line {}: longer than {} bytes", line.line_number, kLineBytesMax);
      return;
    case detail::ParsedLine::Kind::invalid_json:
      stats.rejected.fetch_add(1);
      stats.report("line {}: invalid JSON: {}", line.line_number, line.error);
      return;
  }
}

void print_progress(PublishStats& stats) {
  std::lock_guard lock(stats.stderr_mutex);
  std::fprintf(stderr, "\rread %llu, published %llu, rejected %llu, failed %llu ",
               static_cast<unsigned long long>(stats.lines_read.load()),
               static_cast<unsigned long long>(stats.delivered.load()),
               static_cast<unsigned long long>(stats.rejected.load()),
               static_cast<unsigned long long>(stats.failed.load()));
  std::fflush(stderr);
}

// Reads every line of `input`; returns false when the input could not be read to its end.
bool publish_lines(std::FILE* input, Publisher& publisher, PublishStats& stats) {
  const bool show_progress = isatty(STDERR_FILENO) == 1;
  auto next_progress = Clock::now() + kProgressInterval;
  detail::LineReader reader(input, kLineBytesMax);
  detail::JsonlParseOptions options;
  options.workers =
      std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kParseWorkersMax);
  detail::parse_jsonl_in_order(reader, options, [&](std::vector<detail::ParsedLine>& batch) {
    for (auto& line : batch) publish_line(publisher, stats, line);
    if (show_progress && Clock::now() >= next_progress) {
      print_progress(stats);
      next_progress = Clock::now() + kProgressInterval;
    }
  });
  if (show_progress) {
    print_progress(stats);
    std::fputc('\n', stderr);
  }
  if (!reader.error().empty()) {
    stats.report("ledger publish: reading stopped after line {}: {}", reader.line_number(),
                 reader.error());
    return false;
  }
  return true;
}

int run_publish(const PublishArgs& args) {
  detail::log_to_stderr();
  std::string error;
  const auto brokers = resolve_brokers(args.kafka, error);
  if (!brokers) {
    std::fprintf(stderr, "ledger publish: %s\n", error.c_str());
    return 2;
  }
  const bool from_stdin = args.input == "-";
  std::FILE* input = from_stdin ? stdin : std::fopen(args.input.c_str(), "rb");
  if (input == nullptr) {
    std::fprintf(stderr, "ledger publish: cannot open %s: %s\n", args.input.c_str(),
                 std::strerror(errno));
    return 2;
  }
  PublishStats stats;
  bool read_whole_input = false;
  const auto started = Clock::now();
  try {
    PublisherOptions options;
    options.brokers = *brokers;
    options.topic = args.kafka.topic;
    options.properties = args.kafka.properties;
    Publisher publisher(options);
    read_whole_input = publish_lines(input, publisher, stats);
    const int left = publisher.close(args.flush_timeout_ms);
    if (left > 0) stats.report("ledger publish: {} messages left after the flush timeout", left);
  } catch (const ConfigError& e) {
    if (!from_stdin) std::fclose(input);
    std::fprintf(stderr, "ledger publish: %s\n", e.what());
    return 2;
  }
  if (!from_stdin) std::fclose(input);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  stats.report(
      "ledger publish: {} lines read, {} published, {} rejected, {} failed delivery, "
      "{:.0f} events/s ({:.2f} s)",
      stats.lines_read.load(), stats.delivered.load(), stats.rejected.load(), stats.failed.load(),
      seconds > 0 ? static_cast<double>(stats.delivered.load()) / seconds : 0.0, seconds);
  const bool all_delivered = stats.rejected.load() == 0 && stats.failed.load() == 0 &&
                             stats.delivered.load() == stats.enqueued.load();
  return all_delivered && read_whole_input ? 0 : 1;
}

}  // namespace

void add_publish_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PublishArgs>();
  CLI::App* command = app.add_subcommand(
      "publish",
      "Publish events from JSON Lines (one ledger.v1.Event per line, protobuf JSON) in FILE or "
      "stdin. Exit status: 0 all delivered, 1 some line rejected or undelivered, 2 usage error.");
  command->add_option("input", args->input, "JSON Lines file, or - for stdin")
      ->capture_default_str();
  add_kafka_options(*command, args->kafka);
  command
      ->add_option("--flush-timeout-ms", args->flush_timeout_ms,
                   "How long to wait for outstanding deliveries at the end")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command->callback([args, &exit_code] { exit_code = run_publish(*args); });
}

}  // namespace ledger::producer
