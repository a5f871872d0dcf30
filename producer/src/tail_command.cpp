// `ledger tail`: prints the events topic, one JSON line per record:
//   {"partition":0,"offset":12,"timestamp":1700000000000,"key":"agent-1","event":{...}}
// A record that does not decode as a ledger.v1.Event becomes
//   {"partition":0,"offset":13,"timestamp":...,"key":"...","error":"..."}
// and reading goes on. Without --follow it stops at the end offsets captured at start.
// Exit status: 0 done, 1 some record undecodable or the read stalled, 2 usage or config error.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "command_registry.hpp"
#include "ledger/events/json.hpp"
#include "ledger/producer/kafka_options.hpp"
#include "ledger/producer/topic_reader.hpp"
#include "stderr_log.hpp"

namespace ledger::producer {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kConsumeWaitMs = 500;

struct TailArgs {
  KafkaOptions kafka;
  bool follow = false;
  bool from_end = false;
  std::int64_t max_events = 0;  // 0: no limit
  std::vector<std::int32_t> partitions;
  int stall_timeout_ms = 60'000;
};

// The record's coordinates as the start of a JSON object, without its closing brace.
std::string open_line(const Record& record) {
  nlohmann::ordered_json head;
  head["partition"] = record.partition;
  head["offset"] = record.offset;
  head["timestamp"] = record.timestamp_ms;
  head["key"] = record.key;
  std::string text = head.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.pop_back();  // '}'
  return text;
}

// One output line; sets `decoded` to whether the value is a ledger.v1.Event.
std::string format_record(const Record& record, bool& decoded) {
  ledger::v1::Event event;
  std::string json;
  std::string error =
      "cannot decode " + std::to_string(record.value.size()) + " bytes as a ledger.v1.Event";
  if (record.value.empty()) error = "empty value (not a ledger.v1.Event)";
  decoded = !record.value.empty() && event.ParseFromString(record.value) &&
            events::event_to_json(event, json, error);
  std::string line = open_line(record);
  if (decoded) {
    line += ",\"event\":" + json + "}\n";
  } else {
    const std::string& reason = error;
    line += ",\"error\":" + nlohmann::json(reason).dump() + "}\n";
  }
  return line;
}

TopicReaderOptions reader_options(const TailArgs& args, const std::string& brokers) {
  TopicReaderOptions options;
  options.brokers = brokers;
  options.topic = args.kafka.topic;
  options.properties = args.kafka.properties;
  options.partitions = args.partitions;
  options.from_end = args.from_end;
  options.follow = args.follow;
  return options;
}

int print_records(TopicReader& reader, const TailArgs& args) {
  std::int64_t printed = 0;
  std::int64_t undecodable = 0;
  auto last_progress = Clock::now();
  while (!reader.done() && (args.max_events == 0 || printed < args.max_events)) {
    auto record = reader.next(kConsumeWaitMs);
    if (!record) {
      const bool stalled =
          Clock::now() - last_progress > std::chrono::milliseconds(args.stall_timeout_ms);
      if (!args.follow && stalled) {
        std::fprintf(stderr, "ledger tail: no record for %d ms before the end offsets; giving up\n",
                     args.stall_timeout_ms);
        return 1;
      }
      continue;
    }
    last_progress = Clock::now();
    bool decoded = false;
    const std::string line = format_record(*record, decoded);
    std::fwrite(line.data(), 1, line.size(), stdout);
    if (args.follow) std::fflush(stdout);
    ++printed;
    if (!decoded) ++undecodable;
  }
  std::fflush(stdout);
  if (undecodable > 0) {
    std::fprintf(stderr, "ledger tail: %lld records could not be decoded\n",
                 static_cast<long long>(undecodable));
    return 1;
  }
  return 0;
}

int run_tail(const TailArgs& args) {
  detail::log_to_stderr();
  std::string error;
  const auto brokers = resolve_brokers(args.kafka, error);
  if (!brokers) {
    std::fprintf(stderr, "ledger tail: %s\n", error.c_str());
    return 2;
  }
  try {
    TopicReader reader(reader_options(args, *brokers));
    return print_records(reader, args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ledger tail: %s\n", e.what());
    return 2;
  }
}

}  // namespace

void add_tail_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TailArgs>();
  CLI::App* command = app.add_subcommand(
      "tail",
      "Print the events topic as JSON lines with partition and offset (from the beginning; "
      "without --follow, up to the end offsets at start).");
  add_kafka_options(*command, args->kafka);
  command->add_flag("-f,--follow", args->follow, "Keep printing new events");
  command->add_flag("--from-end", args->from_end, "Start at the end (only new events)");
  command->add_option("-n,--max", args->max_events, "Stop after N events (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("-p,--partition", args->partitions, "Partition to read (repeatable)")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--stall-timeout-ms", args->stall_timeout_ms,
                   "Without --follow, give up when no record arrives for this long")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->callback([args, &exit_code] { exit_code = run_tail(*args); });
}

}  // namespace ledger::producer
