// The metrics registry, its exposition (checked by promtool, from Debian's prometheus) and the
// /metrics + /healthz HTTP server.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "ledger/projector/metrics/server.hpp"
#include "ledger/testing/command.hpp"

namespace {

using ledger::projector::MetricsRegistry;
using ledger::projector::MetricsServer;
using ledger::projector::ProjectorMetrics;

// promtool check metrics reads the exposition on stdin; exit 0 means it parses and follows the
// naming rules.
void expect_promtool_accepts(const std::string& text) {
  const std::string path = testing::TempDir() + "metrics-" + std::to_string(::getpid()) + ".txt";
  std::ofstream(path) << text;
  std::string output;
  const int status = ledger::testing::run_command("promtool check metrics < " + path, output);
  EXPECT_EQ(status, 0) << output << "\n--- exposition ---\n" << text;
}

void fill_sample(ProjectorMetrics& metrics) {
  metrics.kafka_connected(true);
  metrics.database_connected(true);
  metrics.partitions_assigned({0, 1, 2});
  metrics.event_projected("order_filled", 5);
  metrics.event_projected("decision_made");
  metrics.event_rejected("order_filled", "fill_for_unknown_order");
  metrics.event_rejected("order_placed", "quote \" and \\ backslash");
  metrics.event_duplicate("agent_heartbeat");
  metrics.batch_committed(6, 0.004);
  metrics.batch_committed(1, 0.3);
  metrics.partition_position(0, 10, 10);
  metrics.partition_position(1, 4, 9);
  metrics.partition_position(2, 0, 0);
  metrics.reconnected("database");
}

TEST(Metrics, ExpositionHasEveryFamilyAndPassesPromtool) {
  MetricsRegistry registry;
  ProjectorMetrics metrics(registry);
  fill_sample(metrics);
  const std::string text = registry.exposition();
  EXPECT_NE(text.find("ledger_events_projected_total{type=\"order_filled\"} 5\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE ledger_batch_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("ledger_batch_duration_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("ledger_batch_duration_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("ledger_batch_duration_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("ledger_consumer_lag_events{partition=\"1\"} 5\n"), std::string::npos);
  EXPECT_NE(text.find("ledger_committed_offset{partition=\"0\"} 10\n"), std::string::npos);
  EXPECT_NE(text.find("reason=\"quote \\\" and \\\\ backslash\""), std::string::npos);
  EXPECT_NE(text.find("ledger_replay_progress_ratio 0.7368"), std::string::npos) << text;
  expect_promtool_accepts(text);
}

TEST(Metrics, PromtoolCatchesABrokenExposition) {
  // The check above can fail: a counter without _total and a bad line are refused.
  expect_promtool_accepts("# HELP ok_total Fine.\n# TYPE ok_total counter\nok_total 1\n");
  std::string output;
  const std::string path = testing::TempDir() + "bad-" + std::to_string(::getpid()) + ".txt";
  std::ofstream(path) << "# TYPE bad counter\nbad{x=\"1\" 1\n";
  EXPECT_NE(ledger::testing::run_command("promtool check metrics < " + path, output), 0) << output;
}

TEST(Metrics, RegistryRefusesConflictsAndBadNames) {
  MetricsRegistry registry;
  registry.counter("a_total", "A.");
  EXPECT_THROW(registry.gauge("a_total", "A."), std::invalid_argument);
  EXPECT_THROW(registry.counter("a_total", "A.", {{"x", "1"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("9bad", "B."), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok_total", "B.", {{"__reserved", "1"}}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", "H.", {1.0, 0.5}), std::invalid_argument);
  EXPECT_EQ(&registry.counter("a_total", "A."), &registry.counter("a_total", "A."));
}

TEST(Metrics, RevokedPartitionsDisappear) {
  MetricsRegistry registry;
  ProjectorMetrics metrics(registry);
  fill_sample(metrics);
  metrics.partitions_assigned({0});
  const std::string text = registry.exposition();
  EXPECT_EQ(text.find("partition=\"1\""), std::string::npos) << text;
  EXPECT_NE(text.find("ledger_committed_offset{partition=\"0\"} 10"), std::string::npos);
  EXPECT_EQ(metrics.totals().partitions, 1U);
}

TEST(Metrics, ReadinessFollowsConnectionAndLag) {
  MetricsRegistry registry;
  ProjectorMetrics metrics(registry, {.lag_events_max = 3, .lag_age_ms_max = 60'000});
  EXPECT_FALSE(metrics.health().ready);
  metrics.kafka_connected(true);
  metrics.database_connected(true);
  EXPECT_NE(metrics.health().detail.find("no partition"), std::string::npos);
  metrics.partitions_assigned({0, 1});
  metrics.partition_position(0, 0, 10);
  EXPECT_NE(metrics.health().detail.find("partition 1 not measured"), std::string::npos);
  metrics.partition_position(1, 0, 0);
  EXPECT_NE(metrics.health().detail.find("consumer lag 10 > 3"), std::string::npos);
  metrics.partition_position(0, 8, 10);
  EXPECT_TRUE(metrics.health().ready) << metrics.health().detail;
  metrics.database_connected(false);
  EXPECT_FALSE(metrics.health().ready);
}

TEST(Metrics, ServerAnswersMetricsAndHealthOverHttp) {
  MetricsRegistry registry;
  ProjectorMetrics metrics(registry);
  MetricsServer server(registry, &metrics, {"127.0.0.1", 0});
  server.start();
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 503);
  EXPECT_NE(health->body.find("not ready"), std::string::npos);
  fill_sample(metrics);
  metrics.partition_position(1, 9, 9);
  health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;
  const auto scraped = client.Get("/metrics");
  ASSERT_TRUE(scraped);
  EXPECT_EQ(scraped->status, 200);
  EXPECT_NE(scraped->get_header_value("Content-Type").find("version=0.0.4"), std::string::npos);
  EXPECT_NE(scraped->body.find("ledger_ready 1"), std::string::npos);
  expect_promtool_accepts(scraped->body);
  server.stop();
  EXPECT_FALSE(client.Get("/healthz"));
}

TEST(Metrics, SecondServerOnTheSamePortFailsClearly) {
  MetricsRegistry registry;
  MetricsServer first(registry, nullptr, {"127.0.0.1", 0});
  first.start();
  MetricsServer second(registry, nullptr, {"127.0.0.1", first.port()});
  EXPECT_THROW(second.start(), std::runtime_error);
}

}  // namespace
