// `ledger broker start|stop|status`: the local Kafka broker (real, or librdkafka's mock).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "ledger/local/broker.hpp"
#include "ledger/local/commands.hpp"
#include "ledger/local/mock_cluster.hpp"
#include "ledger/producer/kafka_options.hpp"

#ifndef LEDGER_KAFKA_POM
#error "LEDGER_KAFKA_POM must name local/kafka/pom.xml (set in local/CMakeLists.txt)"
#endif

namespace ledger::local {
namespace {

struct BrokerCommandOptions {
  LocalBrokerOptions broker;
  std::string state_dir;  // the flag; resolved when the command runs
  bool detach = false;
  bool mock = false;
  int mock_brokers = 1;
  int ready_timeout_s = 60;
  int stop_timeout_s = 30;
};

void add_state_dir(CLI::App& command, BrokerCommandOptions& options) {
  command.add_option("--state-dir", options.state_dir,
                     "Local state directory; the broker lives in <state-dir>/kafka "
                     "(default: $LEDGER_STATE_DIR, else .ledger)");
}

void add_start(CLI::App& broker, BrokerCommandOptions& options, int& exit_code) {
  CLI::App* start = broker.add_subcommand(
      "start",
      "Start a single-node Apache Kafka broker (KRaft) on 127.0.0.1, or find the running one.\n"
      "Kafka's jars come from Maven Central the first time (then from the cache,\n"
      "$LEDGER_CACHE_DIR or ~/.cache/ledger); storage is formatted under <state-dir>/kafka.\n"
      "Prints the bootstrap address and writes it to <state-dir>/kafka/bootstrap.\n"
      "Without --detach it runs until Ctrl-C/SIGTERM, then stops the broker cleanly.\n"
      "--mock runs librdkafka's mock cluster instead: in process, in memory, only about\n"
      "5 MiB kept per partition, gone at exit; for quick trials, not for keeping events.");
  LocalBrokerOptions& broker_options = options.broker;
  start->add_option("--port", broker_options.port, "Client port on 127.0.0.1")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  start
      ->add_option("--controller-port", broker_options.controller_port,
                   "KRaft controller port (default: --port + 1)")
      ->check(CLI::Range(1, 65535));
  start
      ->add_option("--partitions", broker_options.partitions,
                   "Partitions of the events topic when it is created")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  start->add_option("-t,--topic", broker_options.topic, "Events topic to create if missing")
      ->capture_default_str();
  add_state_dir(*start, options);
  CLI::Option* detach =
      start->add_flag("--detach", options.detach,
                      "Return once the broker is ready and leave it running (stop it with "
                      "`ledger broker stop`)");
  start
      ->add_flag("--mock", options.mock,
                 "Run librdkafka's in-process, in-memory mock cluster (about 5 MiB kept per "
                 "partition) instead of Apache Kafka, until Ctrl-C/SIGTERM; ports are chosen "
                 "by the system")
      ->excludes(detach);
  start->add_option("--mock-brokers", options.mock_brokers, "Brokers of the mock cluster")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  start->add_option("--pom", broker_options.pom_path, "Maven pom naming the Kafka version")
      ->capture_default_str();
  start->add_option("--heap", broker_options.heap_max, "Java maximum heap (-Xmx) of the broker")
      ->capture_default_str();
  start
      ->add_option("--ready-timeout", options.ready_timeout_s,
                   "Seconds to wait for the broker to answer")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  start->callback([&options, &exit_code] {
    LocalBrokerOptions resolved = options.broker;
    resolved.state_dir = producer::resolve_state_dir(options.state_dir);
    resolved.ready_timeout_ms = options.ready_timeout_s * 1000;
    resolved.stop_timeout_ms = options.stop_timeout_s * 1000;
    if (options.mock) {
      MockClusterOptions mock;
      mock.brokers = options.mock_brokers;
      mock.topic = resolved.topic;
      mock.partitions = resolved.partitions;
      exit_code = run_mock_broker(resolved.state_dir, mock);
      return;
    }
    exit_code = start_local_broker(resolved, options.detach);
  });
}

void add_stop(CLI::App& broker, BrokerCommandOptions& options, int& exit_code) {
  CLI::App* stop = broker.add_subcommand(
      "stop", "Stop the local broker of --state-dir (SIGTERM, then SIGKILL after the timeout)");
  add_state_dir(*stop, options);
  stop->add_option("--timeout", options.stop_timeout_s, "Seconds to wait before SIGKILL")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  stop->callback([&options, &exit_code] {
    exit_code = stop_local_broker(producer::resolve_state_dir(options.state_dir),
                                  options.stop_timeout_s * 1000);
  });
}

void add_status(CLI::App& broker, BrokerCommandOptions& options, int& exit_code) {
  CLI::App* status = broker.add_subcommand(
      "status", "Tell whether the local broker runs (exit 0) or not (exit 3), and where");
  add_state_dir(*status, options);
  status->callback([&options, &exit_code] {
    const LocalBrokerStatus result =
        local_broker_status(producer::resolve_state_dir(options.state_dir));
    std::cout << result.description << std::endl;
    constexpr int kExitNotRunning = 3;  // as `pg_ctl status`
    exit_code = result.running ? 0 : kExitNotRunning;
  });
}

}  // namespace

void add_broker_command(CLI::App& app, int& exit_code) {
  // Lives as long as the process: CLI11 keeps references to its fields until parsing ends.
  static BrokerCommandOptions options;
  options.broker.pom_path = LEDGER_KAFKA_POM;
  CLI::App* broker =
      app.add_subcommand("broker", "The local Kafka broker: start (or --mock), stop, status");
  broker->require_subcommand(1);
  add_start(*broker, options, exit_code);
  add_stop(*broker, options, exit_code);
  add_status(*broker, options, exit_code);
}

}  // namespace ledger::local
