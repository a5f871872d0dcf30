// Outages: one `ledger project` process keeps running while its own Kafka broker (`ledger broker`
// on private ports and state dir) is stopped and started again, and then its own PostgreSQL
// (`ledger db`) is stopped and started again, with events arriving the whole time. The process
// must ride both out (never exit), and the tables at the end must equal those of an
// uninterrupted run over the same topic: nothing lost, nothing doubled.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "guarantees_support.hpp"
#include "ledger/testing/services.hpp"

#ifndef LEDGER_GUARANTEES_KAFKA_PORT
#define LEDGER_GUARANTEES_KAFKA_PORT 19292
#endif
#ifndef LEDGER_GUARANTEES_POSTGRES_PORT
#define LEDGER_GUARANTEES_POSTGRES_PORT 55632
#endif

namespace ledger::guarantees {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kTopic = "guarantees.outage";
constexpr int kPartitions = 3;

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Records in the topic: the sum of its partitions' high watermarks. A producer whose delivery
// failed while the broker went down resends, and librdkafka may have written the first copy
// too, so the log can hold more records than the producer planned; the projector must commit
// exactly the log (its duplicates are changed nothing by event_id).
std::int64_t topic_end_offsets_sum(const std::string& bootstrap, int partitions) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == nullptr) throw std::runtime_error(errstr);
  std::int64_t sum = 0;
  for (int partition = 0; partition < partitions; ++partition) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    const rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk, kTopic, partition, &low, &high, 10'000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_destroy(rk);
      throw std::runtime_error(std::string("watermarks: ") + rd_kafka_err2str(err));
    }
    sum += high;
  }
  rd_kafka_destroy(rk);
  return sum;
}

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The test's own broker and PostgreSQL; stopped (and their state removed) at the end.
class PrivateServices {
 public:
  PrivateServices() : dir_(work_dir("outage-" + ledger::testing::unique_suffix())) {}
  ~PrivateServices() {
    run_ledger({"broker", "stop", "--state-dir", dir_}, log(), 60'000);
    run_ledger({"db", "stop", "--state-dir", dir_}, log(), 60'000);
    if (!::testing::Test::HasFailure()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_ + "/kafka", ignored);
      std::filesystem::remove_all(dir_ + "/postgres", ignored);
    }
  }
  int start_broker() {
    return run_ledger({"broker", "start", "--state-dir", dir_, "--port",
                       std::to_string(LEDGER_GUARANTEES_KAFKA_PORT), "-t", kTopic, "--partitions",
                       std::to_string(kPartitions), "--detach"},
                      log(), 240'000);
  }
  int stop_broker() { return run_ledger({"broker", "stop", "--state-dir", dir_}, log(), 90'000); }
  int start_db() {
    return run_ledger({"db", "start", "--state-dir", dir_, "--port",
                       std::to_string(LEDGER_GUARANTEES_POSTGRES_PORT), "--no-sync"},
                      log(), 120'000);
  }
  int stop_db() { return run_ledger({"db", "stop", "--state-dir", dir_}, log(), 90'000); }
  std::string bootstrap() const { return first_line(dir_ + "/kafka/bootstrap"); }
  std::string uri() const { return first_line(dir_ + "/postgres/uri"); }
  std::string log() const { return dir_ + "/services.log"; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

TEST(OutageTest, BrokerRestartAndPostgresRestartLoseAndDoubleNothing) {
  PrivateServices services;
  const auto start = Clock::now();
  ASSERT_EQ(services.start_broker(), 0) << "see " << services.log();
  ASSERT_EQ(services.start_db(), 0) << "see " << services.log();
  std::printf("private broker and PostgreSQL up in %.1f s\n", since(start));
  const std::string bootstrap = services.bootstrap();
  const std::string uri = services.uri();
  migrate_schema(uri, "ledger");
  const std::string group = "torture-outage";

  PacedProducer producer(bootstrap, kTopic,
                         testing::mixed_log({.seed = 23, .events = 25'000, .agents = 6}), 1'000);
  const std::int64_t total = producer.total();
  ChildProcess projector(project_argv(bootstrap, kTopic, uri, "ledger", group, 500, {"-v"}),
                         services.dir() + "/projector.log");
  ASSERT_TRUE(wait_committed(uri, "ledger", group, 2'000, 60'000, &projector))
      << "see " << projector.log_path();

  std::printf("%.1f s: stopping the broker at %lld committed\n", since(start),
              static_cast<long long>(committed_sum(uri, "ledger", group)));
  ASSERT_EQ(services.stop_broker(), 0) << "see " << services.log();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const std::int64_t while_down = committed_sum(uri, "ledger", group);
  ASSERT_EQ(services.start_broker(), 0) << "see " << services.log();
  std::printf("%.1f s: broker back; %lld committed while it was down\n", since(start),
              static_cast<long long>(while_down));
  ASSERT_TRUE(projector.running())
      << "the projector exited when the broker went away; see " << projector.log_path();
  ASSERT_TRUE(wait_committed(uri, "ledger", group, while_down + 2'000, 120'000, &projector))
      << "no progress after the broker restart; see " << projector.log_path();

  std::printf("%.1f s: stopping PostgreSQL at %lld committed\n", since(start),
              static_cast<long long>(committed_sum(uri, "ledger", group)));
  ASSERT_EQ(services.stop_db(), 0) << "see " << services.log();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ASSERT_TRUE(projector.running())
      << "the projector exited when PostgreSQL went away; see " << projector.log_path();
  ASSERT_EQ(services.start_db(), 0) << "see " << services.log();
  std::printf("%.1f s: PostgreSQL back\n", since(start));

  producer.finish(120'000);
  ASSERT_TRUE(wait_committed(uri, "ledger", group, total, 120'000, &projector))
      << "not caught up after the outages; see " << projector.log_path();
  ASSERT_TRUE(projector.running()) << "see " << projector.log_path();
  EXPECT_EQ(projector.stop(30'000), 0) << "see " << projector.log_path();
  std::printf("%.1f s: %lld records committed\n", since(start), static_cast<long long>(total));
  const std::string log = projector.log();
  EXPECT_NE(log.find("brokers are down"), std::string::npos) << "never saw the broker outage";
  EXPECT_NE(log.find("PostgreSQL reconnected"), std::string::npos)
      << "never saw the PostgreSQL outage";
  EXPECT_EQ(log.find("write_failed"), std::string::npos)
      << "an outage must not turn events into write_failed rejects";

  reference_run(bootstrap, kTopic, uri, "expected", group + "-reference");
  rename_group(uri, "expected", group + "-reference", group);
  EXPECT_EQ(compare(uri, "expected", "ledger"), "");
  EXPECT_EQ(duplicate_keys(uri, "ledger"), 0);
  EXPECT_EQ(committed_sum(uri, "ledger", group), topic_end_offsets_sum(bootstrap, kPartitions));
  std::printf("%.1f s: compared with the uninterrupted run\n", since(start));
}

}  // namespace
}  // namespace ledger::guarantees
