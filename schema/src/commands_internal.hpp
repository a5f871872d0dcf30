// Private to schema/: one registration function per subcommand, called by add_commands().
#pragma once

namespace CLI {
class App;
}

namespace ledger::schema::detail {

void add_migrate_command(CLI::App& app, int& exit_code);

}  // namespace ledger::schema::detail
