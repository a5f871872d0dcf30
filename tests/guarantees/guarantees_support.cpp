#include "guarantees_support.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>

#include "ledger/projector/replay/replay_compare.hpp"
#include "ledger/testing/services.hpp"

namespace ledger::guarantees {
namespace {

using Clock = std::chrono::steady_clock;

local::process::SpawnOptions spawn_options(const std::vector<std::string>& argv,
                                           const std::string& log_path) {
  local::process::SpawnOptions options;
  options.argv = argv;
  options.log_path = log_path;
  return options;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path)
    : Child(spawn_options(argv, log_path)), log_path_(log_path) {}

std::string ChildProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int run_ledger(const std::vector<std::string>& args, const std::string& log_path, int timeout_ms) {
  std::vector<std::string> argv{ledger::testing::ledger_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string error;
  const auto status = local::process::run(spawn_options(argv, log_path), timeout_ms, error);
  if (!status) std::ofstream(log_path, std::ios::app) << "run_ledger: " << error << "\n";
  return status.value_or(-1);
}

std::vector<std::string> project_argv(const std::string& bootstrap, const std::string& topic,
                                      const std::string& uri, const std::string& schema,
                                      const std::string& group, int batch_events_max,
                                      const std::vector<std::string>& extra) {
  std::vector<std::string> argv{ledger::testing::ledger_bin(),
                                "project",
                                "-b",
                                bootstrap,
                                "-t",
                                topic,
                                "--db",
                                uri,
                                "--schema",
                                schema,
                                "--group",
                                group,
                                "--batch-events-max",
                                std::to_string(batch_events_max),
                                "--batch-wait-ms-max",
                                "100"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

PacedProducer::PacedProducer(const std::string& bootstrap, const std::string& topic,
                             std::vector<RawRecord> records, int records_per_s)
    : records_(std::move(records)),
      records_per_s_(records_per_s),
      topic_(topic),
      producer_(std::make_unique<testing::RawProducer>(bootstrap)) {
  thread_ = std::thread([this] { run(); });
}

PacedProducer::~PacedProducer() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  try {
    producer_->flush(5'000);
  } catch (const std::exception&) {
    // finish() reports undelivered records; a destructor only stops.
  }
}

void PacedProducer::run() {
  const auto start = Clock::now();
  const double per_record_s = 1.0 / static_cast<double>(records_per_s_);
  for (std::size_t i = 0; i < records_.size() && !stop_.load(); ++i) {
    const auto due =
        start + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(static_cast<double>(i) * per_record_s));
    if (Clock::now() < due) std::this_thread::sleep_until(due);
    if (!producer_->produce(topic_, records_[i])) return;
    produced_.store(static_cast<std::int64_t>(i + 1));
  }
}

void PacedProducer::finish(int timeout_ms) {
  if (thread_.joinable()) thread_.join();
  producer_->flush(timeout_ms);
  if (produced() != total()) {
    throw std::runtime_error("PacedProducer: " + std::to_string(produced()) + " of " +
                             std::to_string(total()) + " records produced");
  }
}

bool wait_committed(const std::string& uri, const std::string& schema, const std::string& group,
                    std::int64_t target, int timeout_ms, ChildProcess* watched) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    if (committed_sum(uri, schema, group) >= target) return true;
    if (watched != nullptr && !watched->running()) {
      return committed_sum(uri, schema, group) >= target;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

void reference_run(const std::string& bootstrap, const std::string& topic, const std::string& uri,
                   const std::string& schema, const std::string& group) {
  testing::migrate_schema(uri, schema);
  const std::string log_path =
      work_dir("reference") + "/" + schema + "-" + ledger::testing::unique_suffix() + ".log";
  std::vector<std::string> argv =
      project_argv(bootstrap, topic, uri, schema, group, 10'000, {"--exit-at-end"});
  argv.erase(argv.begin());  // run_ledger adds the binary
  const int status = run_ledger(argv, log_path, 180'000);
  if (status != 0) {
    throw std::runtime_error("reference run exited with " + std::to_string(status) + "; see " +
                             log_path);
  }
}

void rename_group(const std::string& uri, const std::string& schema, const std::string& from,
                  const std::string& to) {
  pqxx::connection connection(uri);
  pqxx::work tx(connection);
  tx.exec_params0("UPDATE " + tx.quote_name(schema) +
                      ".consumer_offsets SET consumer_group = $2 WHERE consumer_group = $1",
                  from, to);
  tx.commit();
}

std::string compare(const std::string& uri, const std::string& expected_schema,
                    const std::string& actual_schema) {
  pqxx::connection connection(uri);
  const std::vector<projector::TableDifference> differences =
      projector::compare_schemas(connection, expected_schema, actual_schema, 5);
  return differences.empty() ? std::string() : projector::describe_differences(differences);
}

std::int64_t row_count(const std::string& uri, const std::string& schema,
                       const std::string& table) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  return tx.exec1("SELECT count(*) FROM " + tx.quote_name(schema) + "." + tx.quote_name(table))[0]
      .as<std::int64_t>();
}

std::int64_t duplicate_keys(const std::string& uri, const std::string& schema) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  const std::string s = tx.quote_name(schema);
  std::int64_t total = 0;
  for (const std::string& sql :
       {"SELECT count(*) FROM (SELECT 1 FROM " + s +
            ".event_archive GROUP BY kafka_topic, kafka_partition, kafka_offset "
            "HAVING count(*) > 1) d",
        "SELECT count(*) FROM (SELECT 1 FROM " + s +
            ".fills GROUP BY agent_id, order_id, fill_id HAVING count(*) > 1) d",
        "SELECT count(*) FROM (SELECT 1 FROM " + s +
            ".rejects GROUP BY kafka_topic, kafka_partition, kafka_offset, reason "
            "HAVING count(*) > 1) d"}) {
    total += tx.exec1(sql)[0].as<std::int64_t>();
  }
  return total;
}

std::string work_dir(const std::string& name) {
  const std::string dir = ledger::testing::state_dir() + "/guarantees/" + name;
  std::filesystem::create_directories(dir);
  return dir;
}

std::uint64_t schedule_seed() {
  if (const char* text = std::getenv("LEDGER_TORTURE_SEED"); text != nullptr && *text != '\0') {
    return std::strtoull(text, nullptr, 10);
  }
  return static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
}

}  // namespace ledger::guarantees
