// The `ledger` subcommands owned by local/ (the local development environment): `ledger
// broker`, `ledger db` and `ledger up`. Each registers itself on the top-level app; its
// callback stores the process exit status in `exit_code`.
#pragma once

namespace CLI {
class App;
}

namespace ledger::local {

void add_broker_command(CLI::App& app, int& exit_code);  // src/broker/broker_command.cpp
void add_db_command(CLI::App& app, int& exit_code);      // src/cluster/db_command.cpp
void add_up_command(CLI::App& app, int& exit_code);      // src/up/up_command.cpp

}  // namespace ledger::local
