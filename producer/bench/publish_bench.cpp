// ledger_publish_bench: how fast events reach a real Kafka broker, three ways, one workload.
//   (a) `ledger publish FILE`: the process timed from start to exit on a pre-generated JSON
//       Lines file (JSON parsing, validation, envelope, headers, delivery reports included);
//   (b) the C++ Publisher API: publish() of every event, moved in as an agent would (envelope,
//       validation, headers), then close(), timed from the Publisher's construction;
//   (c) a bare librdkafka producer sending the same serialized bytes with the same properties
//       (Publisher's settings + -X), key = agent_id, no validation, no headers.
// Every run writes to a fresh topic (deleted afterwards) and must see every event delivered.
// Prints each run, the median events/s per way, and the ratios (a)/(c), (b)/(c).
#include <librdkafka/rdkafkacpp.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "bench_events.hpp"
#include "bench_topics.hpp"
#include "ledger/producer/kafka_options.hpp"
#include "ledger/producer/publisher.hpp"
#include "publisher_conf.hpp"

namespace ledger::producer::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchArgs {
  KafkaOptions kafka;
  std::size_t events = 200'000;
  int runs = 3;
  int partitions = 6;
  int simulators = 4;
  std::string ledger_bin = LEDGER_BIN_PATH;
  std::string work_dir;      // empty: a temp dir
  std::string ways = "abc";  // which of (a), (b), (c) to run
};

struct RunResult {
  std::size_t delivered = 0;
  double seconds = 0;
  double events_per_second() const {
    return seconds > 0 ? static_cast<double>(delivered) / seconds : 0;
  }
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// (a) the `ledger publish` process on the JSONL file.
RunResult run_cli(const BenchArgs& args, const std::string& brokers, const std::string& topic,
                  const std::string& jsonl_path, const std::string& log_path) {
  std::string command =
      shell_quote(args.ledger_bin) + " publish -b " + shell_quote(brokers) + " -t " + topic;
  for (const auto& [key, value] : args.kafka.properties) {
    command += " -X " + shell_quote(key + "=" + value);
  }
  command += " " + shell_quote(jsonl_path) + " 2>" + shell_quote(log_path);
  const auto start = Clock::now();
  const int status = std::system(command.c_str());
  RunResult result;
  result.seconds = seconds_since(start);
  std::ifstream log(log_path);
  std::stringstream text;
  text << log.rdbuf();
  std::smatch match;
  const std::string summary = text.str();
  if (std::regex_search(summary, match, std::regex(R"((\d+) published)"))) {
    result.delivered = std::stoull(match[1]);
  }
  if (status != 0)
    std::fprintf(stderr, "ledger publish exited with %d:\n%s", status, summary.c_str());
  return result;
}

// (b) the Publisher API.
RunResult run_api(const BenchArgs& args, const std::string& brokers, const std::string& topic,
                  const Workload& workload) {
  std::atomic<std::size_t> delivered{0};
  // An agent builds each event and hands it over; copying the workload is not the API's cost.
  std::vector<ledger::v1::Event> events = workload.events;
  const auto start = Clock::now();
  PublisherOptions options;
  options.brokers = brokers;
  options.topic = topic;
  options.properties = args.kafka.properties;
  Publisher publisher(options);
  for (auto& event : events) {
    publisher.publish(std::move(event), [&delivered](const DeliveryReport& report) {
      if (report.delivered()) delivered.fetch_add(1, std::memory_order_relaxed);
    });
  }
  publisher.close(120'000);
  return {delivered.load(), seconds_since(start)};
}

class CountingReports : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) delivered.fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<std::size_t> delivered{0};
};

class QuietEvents : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_ERROR) {
      std::fprintf(stderr, "bare producer: %s\n", event.str().c_str());
    }
  }
};

// (c) a bare librdkafka producer, the Publisher's properties, the same bytes.
RunResult run_bare(const BenchArgs& args, const std::string& brokers, const std::string& topic,
                   const Workload& workload) {
  CountingReports reports;  // outlives the producer
  QuietEvents events;
  const auto start = Clock::now();
  PublisherOptions options;
  options.brokers = brokers;
  options.properties = args.kafka.properties;
  auto conf = detail::make_publisher_conf(options, &reports, &events);
  std::string errstr;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), errstr));
  if (!producer) throw std::runtime_error("bare producer: " + errstr);
  for (std::size_t i = 0; i < workload.values.size(); ++i) {
    const std::string& value = workload.values[i];
    const std::string& key = workload.keys[i];
    for (;;) {
      const auto err =
          producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                            const_cast<char*>(value.data()), value.size(), key.data(), key.size(),
                            0, nullptr, nullptr);
      if (err == RdKafka::ERR_NO_ERROR) break;
      if (err != RdKafka::ERR__QUEUE_FULL) throw std::runtime_error(RdKafka::err2str(err));
      producer->poll(10);
    }
    producer->poll(0);
  }
  producer->flush(120'000);
  return {reports.delivered.load(), seconds_since(start)};
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace
}  // namespace ledger::producer::bench

namespace ledger::producer::bench {
namespace {

struct Way {
  const char* label;
  std::vector<double> events_per_second;
};

// One run of each way, each on its own fresh topic. Returns false when a run lost events.
bool run_round(const BenchArgs& args, const std::string& brokers, const Workload& workload,
               const std::string& jsonl_path, int round, std::array<Way, 3>& ways) {
  bool complete = true;
  for (std::size_t way = 0; way < ways.size(); ++way) {
    if (args.ways.find(static_cast<char>('a' + way)) == std::string::npos) continue;
    const std::string topic = "bench." + std::string(1, static_cast<char>('a' + way)) + "." +
                              std::to_string(getpid()) + "." + std::to_string(round);
    create_topic(brokers, topic, args.partitions);
    RunResult result;
    if (way == 0) result = run_cli(args, brokers, topic, jsonl_path, jsonl_path + ".log");
    if (way == 1) result = run_api(args, brokers, topic, workload);
    if (way == 2) result = run_bare(args, brokers, topic, workload);
    delete_topic(brokers, topic);
    std::printf("run %d %-22s %9zu delivered in %7.3f s: %10.0f events/s\n", round + 1,
                ways[way].label, result.delivered, result.seconds, result.events_per_second());
    std::fflush(stdout);
    if (result.delivered != workload.events.size()) {
      std::fprintf(stderr, "%s delivered %zu of %zu events\n", ways[way].label, result.delivered,
                   workload.events.size());
      complete = false;
    }
    ways[way].events_per_second.push_back(result.events_per_second());
  }
  return complete;
}

int run_bench(const BenchArgs& args) {
  std::string error;
  const auto brokers = resolve_brokers(args.kafka, error);
  if (!brokers) {
    std::fprintf(stderr, "ledger_publish_bench: %s\n", error.c_str());
    return 2;
  }
  const std::string dir = args.work_dir.empty()
                              ? (std::filesystem::temp_directory_path() /
                                 ("ledger-publish-bench-" + std::to_string(getpid())))
                                    .string()
                              : args.work_dir;
  std::filesystem::create_directories(dir);
  const std::string jsonl_path = dir + "/events.jsonl";
  const Workload workload = make_workload(args.events, args.simulators);
  if (!write_jsonl(workload.events, jsonl_path)) {
    std::fprintf(stderr, "ledger_publish_bench: cannot write %s\n", jsonl_path.c_str());
    return 2;
  }
  std::printf(
      "workload: %zu events from %d simulated agents, %.0f bytes/event (protobuf), "
      "%.0f MB JSONL; broker %s, %d partitions\n",
      workload.events.size(), args.simulators * 6,
      static_cast<double>(workload.value_bytes) / static_cast<double>(workload.events.size()),
      static_cast<double>(std::filesystem::file_size(jsonl_path)) / 1e6, brokers->c_str(),
      args.partitions);
  std::array<Way, 3> ways{
      {{"(a) ledger publish", {}}, {"(b) Publisher API", {}}, {"(c) bare librdkafka", {}}}};
  bool complete = true;
  for (int round = 0; round < args.runs; ++round) {
    complete = run_round(args, *brokers, workload, jsonl_path, round, ways) && complete;
  }
  std::vector<double> medians;
  for (const auto& way : ways) {
    medians.push_back(way.events_per_second.empty() ? 0.0 : median(way.events_per_second));
    std::printf("median %-22s %10.0f events/s\n", way.label, medians.back());
  }
  if (medians[2] > 0) {
    std::printf("ratio (a)/(c) = %.2f   (b)/(c) = %.2f\n", medians[0] / medians[2],
                medians[1] / medians[2]);
  }
  if (args.work_dir.empty()) std::filesystem::remove_all(dir);
  return complete ? 0 : 1;
}

}  // namespace
}  // namespace ledger::producer::bench

int main(int argc, char** argv) {
  using ledger::producer::bench::BenchArgs;
  BenchArgs args;
  CLI::App app{
      "Publish throughput against a real Kafka broker: `ledger publish`, the Publisher "
      "API and a bare librdkafka producer on the same workload."};
  ledger::producer::add_kafka_options(app, args.kafka);
  app.add_option("-n,--events", args.events, "Events per run")->capture_default_str();
  app.add_option("--runs", args.runs, "Runs of each way (median reported)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--partitions", args.partitions, "Partitions of each run's topic")
      ->capture_default_str();
  app.add_option("--simulators", args.simulators, "Demo simulators (6 agents each)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--ledger-bin", args.ledger_bin, "The ledger executable")->capture_default_str();
  app.add_option("--ways", args.ways, "Which ways to run: any of a, b, c")->capture_default_str();
  app.add_option("--work-dir", args.work_dir, "Where to keep the JSONL file (default: temp)");
  CLI11_PARSE(app, argc, argv);
  try {
    return ledger::producer::bench::run_bench(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ledger_publish_bench: %s\n", e.what());
    return 1;
  }
}
