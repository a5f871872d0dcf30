// The `ledger` executable: a git-style dispatcher and nothing else. Each folder adds its own
// subcommands; this file only wires them together, in the order `ledger --help` lists them.
#include <CLI/CLI.hpp>
#include <cstdlib>

#include "ledger/local/commands.hpp"
#include "ledger/producer/commands.hpp"
#include "ledger/producer/demo_command.hpp"
#include "ledger/projector/replay/replay_command.hpp"
#include "ledger/projector/service/project_command.hpp"
#include "ledger/queries/commands.hpp"
#include "ledger/queries/report.hpp"
#include "ledger/schema/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "ledger: an event-sourced trading ledger.\n"
      "Agents publish events to Kafka; projectors fold them into PostgreSQL tables."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ledger 0.1.0");
  int exit_code = EXIT_SUCCESS;
  ledger::local::add_broker_command(app, exit_code);
  ledger::producer::add_commands(app, exit_code);  // publish, tail
  ledger::local::add_db_command(app, exit_code);
  ledger::schema::add_commands(app, exit_code);  // migrate
  ledger::projector::add_project_command(app, exit_code);
  ledger::producer::add_demo_command(app, exit_code);
  ledger::local::add_up_command(app, exit_code);
  ledger::projector::add_replay_command(app, exit_code);
  ledger::queries::add_query_commands(app, exit_code);
  ledger::queries::add_report_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; any usage error exits 2, as every subcommand documents.
    return app.exit(e) == 0 ? EXIT_SUCCESS : 2;
  }
  return exit_code;
}
