#include "ledger/schema/commands.hpp"

#include <CLI/CLI.hpp>

#include "commands_internal.hpp"

namespace ledger::schema {

void add_commands(CLI::App& app, int& exit_code) { detail::add_migrate_command(app, exit_code); }

}  // namespace ledger::schema
