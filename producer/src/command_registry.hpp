// Internal: one function per `ledger` subcommand owned by producer/, each in its own file.
#pragma once

namespace CLI {
class App;
}

namespace ledger::producer {

void add_publish_command(CLI::App& app, int& exit_code);  // publish_command.cpp
void add_tail_command(CLI::App& app, int& exit_code);     // tail_command.cpp

}  // namespace ledger::producer
