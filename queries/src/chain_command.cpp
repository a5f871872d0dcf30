// `ledger audit verify [--agent A] [--since T] [--checkpoint FILE] [--checkpoint-topic T]
// [--against-kafka]` and `ledger audit checkpoint [--output FILE] [--output-topic T]`: the
// archive's hash chains (archive_verify.hpp, archive_against_kafka.hpp, checkpoint_topic.hpp).
// verify exits 0 when every chain is clean and extends every checkpoint given, 1 at the first
// broken link (printed with its coordinates) or on an error.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands_internal.hpp"
#include "ledger/queries/archive_against_kafka.hpp"
#include "ledger/queries/archive_verify.hpp"
#include "ledger/queries/checkpoint_topic.hpp"

namespace ledger::queries {
namespace {

struct ChainCommand {
  schema::DatabaseOptions database;
  std::optional<std::string> agent;
  std::optional<std::string> since;
  std::optional<std::string> checkpoint_path;   // verify: statements to check
  std::optional<std::string> output_path;       // checkpoint: append the statement here
  std::optional<std::string> checkpoint_topic;  // verify: statements to check, from a topic
  std::optional<std::string> output_topic;      // checkpoint: also send the statement here
  bool against_kafka = false;                   // verify: also compare with the topic
  producer::KafkaOptions kafka;                 // verify --against-kafka: where the topic is
  int kafka_timeout_ms = 30'000;
  int timeout_ms = 300'000;
};

std::unique_ptr<ReadOnlySession> open_session(const ChainCommand& command) {
  std::string error;
  const std::optional<std::string> uri = resolve_uri(command.database, error);
  if (!uri) throw std::runtime_error(error);
  ReadOptions options;
  options.schema = command.database.schema;
  options.statement_timeout_ms = command.timeout_ms;
  return std::make_unique<ReadOnlySession>(*uri, options);
}

int run_verify(ChainCommand command) {
  if (command.database.state_dir.empty()) command.database.state_dir = command.kafka.state_dir;
  VerifyOptions options;
  options.agent = command.agent;
  if (command.since) options.since = resolve_time(*command.since, std::chrono::system_clock::now());
  if (command.checkpoint_path) {
    std::ifstream in(*command.checkpoint_path);
    if (!in) throw std::runtime_error("cannot read checkpoint file " + *command.checkpoint_path);
    options.checkpoints = read_checkpoints(in);
  }
  if (command.checkpoint_topic) {
    const std::vector<ChainHead> heads =
        read_checkpoint_topic(command.kafka, *command.checkpoint_topic, command.kafka_timeout_ms);
    options.checkpoints.insert(options.checkpoints.end(), heads.begin(), heads.end());
  }
  const std::unique_ptr<ReadOnlySession> session = open_session(command);
  VerifyResult result = verify_archive(*session, options);
  if (command.against_kafka && !result.first_break) {
    const KafkaCompare compared =
        compare_with_kafka(*session, result.chains, command.kafka, command.kafka_timeout_ms);
    result.rows_compared_with_kafka = compared.rows_compared;
    result.first_break = compared.first_break;
  }
  write_verify_result(result, std::cout);
  return result.first_break ? EXIT_FAILURE : EXIT_SUCCESS;
}

int run_checkpoint(ChainCommand command) {
  if (command.database.state_dir.empty()) command.database.state_dir = command.kafka.state_dir;
  const std::unique_ptr<ReadOnlySession> session = open_session(command);
  const std::string statement =
      checkpoint_json(archive_heads(*session), std::chrono::system_clock::now());
  std::cout << statement << '\n';
  if (command.output_path) {
    std::ofstream out(*command.output_path, std::ios::app);
    out << statement << '\n';
    out.flush();
    if (!out) throw std::runtime_error("cannot append to " + *command.output_path);
  }
  if (command.output_topic) {
    append_checkpoint_to_topic(statement, command.kafka, *command.output_topic,
                               command.kafka_timeout_ms);
  }
  return EXIT_SUCCESS;
}

// -b, -X, --state-dir (no -t: the topics come from the archive or their own option) and the
// wait for the broker.
void add_kafka(CLI::App& sub, ChainCommand& command) {
  sub.add_option("--kafka-timeout-ms", command.kafka_timeout_ms,
                 "How long to wait for the broker (per record awaited)")
      ->capture_default_str()
      ->check(CLI::Range(100, 3'600'000));
  producer::add_kafka_options(sub, command.kafka);
  sub.remove_option(sub.get_option("--topic"));
}

void add_connection(CLI::App& sub, ChainCommand& command) {
  schema::add_database_options(sub, command.database);
  sub.add_option("--timeout-ms", command.timeout_ms, "Statement timeout")
      ->capture_default_str()
      ->check(CLI::Range(0, 3'600'000));
}

}  // namespace

void add_chain_audit_commands(CLI::App& audit, int& exit_code) {
  auto verify = std::make_shared<ChainCommand>();
  CLI::App* by_verify = audit.add_subcommand(
      "verify",
      "Recompute the archive's hash chains (one per Kafka partition) and report the first "
      "broken link; exit 0 clean, 1 broken");
  by_verify->add_option("--agent", verify->agent, "Only the chains holding this agent's events");
  by_verify->add_option("--since", verify->since,
                        "Per chain, from the first event at or after this time (a timestamp or "
                        "an age), trusting the stored hash before it");
  by_verify->add_option("--checkpoint", verify->checkpoint_path,
                        "A file of `audit checkpoint` statements the archive must still extend");
  by_verify->add_flag("--against-kafka", verify->against_kafka,
                      "Also compare every archived row with the record at its offset in the "
                      "topic (catches an archive rewritten with its hashes recomputed)");
  by_verify->add_option("--checkpoint-topic", verify->checkpoint_topic,
                        "A Kafka topic of `audit checkpoint --output-topic` statements the "
                        "archive must still extend");
  add_kafka(*by_verify, *verify);
  add_connection(*by_verify, *verify);
  by_verify->callback([verify, &exit_code] {
    exit_code = guarded("audit verify", [&] { return run_verify(*verify); });
  });

  auto checkpoint = std::make_shared<ChainCommand>();
  CLI::App* by_checkpoint = audit.add_subcommand(
      "checkpoint",
      "Print a statement (JSON line): the time and, per chain, the row count, last offset and "
      "head hash");
  by_checkpoint->add_option("--output", checkpoint->output_path,
                            "Also append the statement to this file");
  by_checkpoint->add_option("--output-topic", checkpoint->output_topic,
                            "Also send the statement to this Kafka topic (acks=all)");
  add_kafka(*by_checkpoint, *checkpoint);
  add_connection(*by_checkpoint, *checkpoint);
  by_checkpoint->callback([checkpoint, &exit_code] {
    exit_code = guarded("audit checkpoint", [&] { return run_checkpoint(*checkpoint); });
  });
}

}  // namespace ledger::queries
