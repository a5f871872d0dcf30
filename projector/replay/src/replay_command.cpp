// `ledger replay [--source kafka|archive] [--as-of TIME | --verify] ...`
#include "ledger/projector/replay/replay_command.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <pqxx/pqxx>

#include "ledger/projector/books/books.hpp"
#include "ledger/projector/replay/replay.hpp"
#include "ledger/schema/database_options.hpp"
#include "replay_progress.hpp"

namespace ledger::projector {
namespace {

std::atomic<bool> g_replay_stop{false};

extern "C" void on_replay_signal(int /*signal*/) { g_replay_stop.store(true); }

struct ReplayCommand {
  ReplayOptions options;
  ExtensionOptions extensions;
  schema::DatabaseOptions database;
  std::string source = "kafka";
  std::optional<std::string> as_of;
  bool verify = false;
  bool build_only = false;
  bool no_progress = false;
};

std::int64_t parse_time_us(const std::string& uri, const std::string& text) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  try {
    return tx
        .exec_params1("SELECT (extract(epoch FROM $1::timestamptz) * 1000000)::bigint", text)[0]
        .as<std::int64_t>();
  } catch (const pqxx::data_exception& e) {
    throw std::runtime_error("--as-of '" + text + "' is not a time PostgreSQL understands");
  }
}

void print_result(const ReplayCommand& command, const ReplayResult& result) {
  const double rate =
      result.seconds > 0 ? static_cast<double>(result.events) / result.seconds : 0.0;
  spdlog::info(
      "replay: {} events in {} batches, {:.2f} s ({:.0f} events/s); {} projected, {} "
      "rejected, {} parked, {} duplicates",
      result.events, result.batches, result.seconds, rate, result.stats.events_projected,
      result.stats.events_rejected, result.stats.events_parked, result.stats.duplicates);
  switch (command.options.mode) {
    case ReplayMode::kSwap:
      spdlog::info(
          "replay: schema '{}' now holds the rebuild (swap {:.1f} ms); previous tables "
          "in '{}'. The live projector continues on it by itself.",
          result.target_schema, result.swap_ms,
          result.old_schema.empty() ? "(dropped)" : result.old_schema);
      break;
    case ReplayMode::kAsOf:
      spdlog::info("replay: point-in-time copy in schema '{}'", result.target_schema);
      break;
    case ReplayMode::kVerify:
      std::fprintf(stdout, "%s", describe_retention(result.retention).c_str());
      if (result.differences.empty()) {
        spdlog::info("replay: verify: every table equals the rebuild, row for row");
      } else {
        std::fprintf(stdout, "%s", describe_differences(result.differences).c_str());
        spdlog::error("replay: verify: {} table(s) differ", result.differences.size());
      }
      break;
    case ReplayMode::kBuild:
      spdlog::info("replay: rebuild in schema '{}'", result.target_schema);
      break;
  }
}

int run(ReplayCommand& command) {
  if (command.database.state_dir.empty()) {
    command.database.state_dir = command.options.projector.kafka.state_dir;
  }
  std::string error;
  const std::optional<std::string> uri = schema::resolve_database_uri(command.database, error);
  if (!uri) {
    spdlog::error("replay: {}", error);
    return EXIT_FAILURE;
  }
  ReplayOptions& options = command.options;
  options.projector.db_uri = *uri;
  options.projector.schema = command.database.schema;
  options.source = command.source == "archive" ? ReplaySource::kArchive : ReplaySource::kKafka;
  options.mode = command.verify       ? ReplayMode::kVerify
                 : command.as_of      ? ReplayMode::kAsOf
                 : command.build_only ? ReplayMode::kBuild
                                      : ReplayMode::kSwap;
  if (command.as_of) options.as_of_us = parse_time_us(*uri, *command.as_of);
  ReplayProgressPrinter printer(stderr, ::isatty(STDERR_FILENO) == 1);
  if (!command.no_progress) options.progress = [&printer](const ReplayProgress& p) { printer(p); };
  std::signal(SIGINT, on_replay_signal);
  std::signal(SIGTERM, on_replay_signal);
  const auto extensions = make_standard_extensions(command.extensions);
  for (const auto& extension : extensions) options.extensions.push_back(extension.get());
  const ReplayResult result = run_replay(options, g_replay_stop);
  printer.finish();
  if (result.stopped) {
    spdlog::error("replay: stopped before the end; nothing swapped; partial rebuild in '{}'",
                  result.target_schema);
    return EXIT_FAILURE;
  }
  print_result(command, result);
  return result.differences.empty() ? EXIT_SUCCESS : 2;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  auto command = std::make_shared<ReplayCommand>();
  command->options.projector.batch_events_max = 20'000;
  CLI::App* sub = app.add_subcommand(
      "replay",
      "Rebuild every projection from the start of the log into a fresh schema, then swap it in "
      "(or --as-of: a point-in-time copy; --verify: compare with the live tables)");
  producer::add_kafka_options(*sub, command->options.projector.kafka);
  schema::add_database_options(*sub, command->database);
  sub->add_option("--source", command->source, "Read the log from the Kafka topic or the archive")
      ->capture_default_str()
      ->check(CLI::IsMember({"kafka", "archive"}));
  auto* as_of = sub->add_option("--as-of", command->as_of,
                                "Point-in-time copy of the events that occurred up to TIME, in its "
                                "own schema (the live one is not touched)");
  auto* verify = sub->add_flag("--verify", command->verify,
                               "Rebuild up to the live offsets, compare every table row for row, "
                               "report differences (exit 2), drop the copy");
  auto* build = sub->add_flag("--no-swap", command->build_only,
                              "Rebuild into the target schema and stop there");
  as_of->excludes(verify)->excludes(build);
  verify->excludes(build);
  sub->add_option("--target-schema", command->options.target_schema,
                  "Schema to rebuild into (default <schema>_rebuild_<time>, _asof_, _verify_)");
  sub->add_flag("--keep", command->options.keep_target, "--verify: keep the rebuilt copy");
  sub->add_flag("--drop-old", command->options.drop_old,
                "Drop the previous live schema after the swap (default: keep <schema>_old_<time>)");
  sub->add_option("--group", command->options.projector.group,
                  "The live projector's consumer group (its offsets are carried over)")
      ->capture_default_str();
  sub->add_option("--batch-events-max", command->options.projector.batch_events_max,
                  "Events per rebuild transaction at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  sub->add_option("--swap-lock-timeout-ms", command->options.swap_lock_timeout_ms,
                  "Bound on waiting for the live projector at the swap")
      ->capture_default_str();
  sub->add_flag("--no-progress", command->no_progress, "No progress output");
  add_extension_options(*sub, command->extensions);
  sub->callback([command, &exit_code] {
    try {
      exit_code = run(*command);
    } catch (const std::exception& e) {
      spdlog::error("replay: {}", e.what());
      exit_code = EXIT_FAILURE;
    }
  });
}

}  // namespace ledger::projector
