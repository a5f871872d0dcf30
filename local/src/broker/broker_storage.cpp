// The local broker's configuration files and its KRaft storage.
#include <filesystem>
#include <fstream>
#include <random>

#include "../files.hpp"
#include "broker_detail.hpp"
#include "ledger/local/process/process.hpp"

namespace ledger::local::detail {
namespace {

namespace fs = std::filesystem;
constexpr int kFormatTimeoutMs = 120'000;
constexpr int kFormatLogLinesShown = 20;

std::string server_properties_text(const BrokerLayout& layout, const BrokerPorts& ports,
                                   int partitions) {
  const std::string client = "127.0.0.1:" + std::to_string(ports.client);
  const std::string controller = "127.0.0.1:" + std::to_string(ports.controller);
  return "# Written by `ledger broker start` on every start; edits are overwritten.\n"
         "process.roles=broker,controller\n"
         "node.id=1\n"
         "controller.quorum.voters=1@" +
         controller +
         "\n"
         "listeners=PLAINTEXT://" +
         client + ",CONTROLLER://" + controller +
         "\n"
         "advertised.listeners=PLAINTEXT://" +
         client +
         "\n"
         "controller.listener.names=CONTROLLER\n"
         "inter.broker.listener.name=PLAINTEXT\n"
         "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n"
         "log.dirs=" +
         layout.data_dir +
         "\n"
         "num.partitions=" +
         std::to_string(partitions) +
         "\n"
         "# The log is the source of truth: nothing is ever deleted by age or size.\n"
         "log.retention.ms=-1\n"
         "log.retention.bytes=-1\n"
         "offsets.topic.replication.factor=1\n"
         "offsets.topic.num.partitions=10\n"
         "transaction.state.log.replication.factor=1\n"
         "transaction.state.log.min.isr=1\n"
         "transaction.state.log.num.partitions=10\n"
         "share.coordinator.state.topic.replication.factor=1\n"
         "share.coordinator.state.topic.min.isr=1\n"
         "group.initial.rebalance.delay.ms=0\n"
         "num.network.threads=2\n"
         "num.io.threads=4\n";
}

const char* const kLog4jProperties =
    "# Written by `ledger broker start`: the broker logs to stdout, which is broker.log.\n"
    "status = warn\n"
    "appender.out.type = Console\n"
    "appender.out.name = out\n"
    "appender.out.target = SYSTEM_OUT\n"
    "appender.out.layout.type = PatternLayout\n"
    "appender.out.layout.pattern = [%d] %p %m (%c)%n\n"
    "rootLogger.level = INFO\n"
    "rootLogger.appenderRef.out.ref = out\n"
    "logger.state.name = state.change.logger\n"
    "logger.state.level = WARN\n"
    "logger.request.name = kafka.request.logger\n"
    "logger.request.level = WARN\n";

}  // namespace

BrokerLayout broker_layout(const std::string& state_dir) {
  const fs::path kafka = fs::absolute(fs::path(state_dir) / "kafka").lexically_normal();
  BrokerLayout layout;
  layout.kafka_dir = kafka.string();
  layout.data_dir = (kafka / "data").string();
  layout.server_properties = (kafka / "server.properties").string();
  layout.log4j_properties = (kafka / "log4j2.properties").string();
  layout.log = (kafka / "broker.log").string();
  layout.format_log = (kafka / "format.log").string();
  layout.pid_file = (kafka / "broker.pid").string();
  layout.bootstrap = (kafka / "bootstrap").string();
  layout.start_lock = (kafka / "start.lock").string();
  layout.process_tag = "-Dledger.kafka.dir=" + layout.kafka_dir;
  return layout;
}

bool write_broker_config(const BrokerLayout& layout, const BrokerPorts& ports, int partitions,
                         std::string& error) {
  return write_file_atomic(layout.server_properties,
                           server_properties_text(layout, ports, partitions), error) &&
         write_file_atomic(layout.log4j_properties, kLog4jProperties, error);
}

std::string new_cluster_id() {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device random;
  unsigned char bytes[16];
  for (auto& byte : bytes) byte = static_cast<unsigned char>(random() & 0xffU);
  std::string id;
  for (std::size_t i = 0; i < sizeof bytes; i += 3) {
    // Base64url of 16 bytes: five full groups of 3 bytes, then one byte (two characters).
    const unsigned b0 = bytes[i];
    const unsigned b1 = i + 1 < sizeof bytes ? bytes[i + 1] : 0U;
    const unsigned b2 = i + 2 < sizeof bytes ? bytes[i + 2] : 0U;
    const unsigned group = (b0 << 16) | (b1 << 8) | b2;
    id += kAlphabet[(group >> 18) & 63U];
    id += kAlphabet[(group >> 12) & 63U];
    if (i + 1 < sizeof bytes) id += kAlphabet[(group >> 6) & 63U];
    if (i + 2 < sizeof bytes) id += kAlphabet[group & 63U];
  }
  if (id.front() == '-') id.front() = 'A';  // Kafka refuses ids that look like options
  return id;
}

bool format_storage_if_needed(const BrokerLayout& layout, const std::string& libs_dir,
                              std::string& error) {
  if (fs::exists(fs::path(layout.data_dir) / "meta.properties")) return true;
  std::error_code ec;
  fs::remove(layout.format_log, ec);
  process::SpawnOptions format;
  format.argv = {"java",
                 "-Xmx256m",
                 "-Dlog4j2.configurationFile=" + layout.log4j_properties,
                 "-cp",
                 libs_dir + "/*",
                 "kafka.tools.StorageTool",
                 "format",
                 "-t",
                 new_cluster_id(),
                 "-c",
                 layout.server_properties};
  format.log_path = layout.format_log;
  const auto status = process::run(format, kFormatTimeoutMs, error);
  if (status && *status == 0) return true;
  if (status)
    error = "kafka.tools.StorageTool format exited with status " + std::to_string(*status);
  error +=
      "; end of " + layout.format_log + ":\n" + file_tail(layout.format_log, kFormatLogLinesShown);
  return false;
}

std::vector<std::string> broker_command_line(const BrokerLayout& layout,
                                             const std::string& libs_dir,
                                             const std::string& heap_max) {
  return {"java",
          "-Xmx" + heap_max,
          "-Xms64m",
          "-XX:+UseG1GC",
          "-XX:MaxGCPauseMillis=20",
          "-Djava.awt.headless=true",
          "-Dlog4j2.configurationFile=" + layout.log4j_properties,
          layout.process_tag,
          "-cp",
          libs_dir + "/*",
          "kafka.Kafka",
          layout.server_properties};
}

}  // namespace ledger::local::detail
