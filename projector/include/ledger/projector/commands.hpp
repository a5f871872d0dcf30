// The `ledger` subcommands owned by projector/. add_commands() registers them on the top-level app;
// a subcommand's callback stores its process exit status in `exit_code`.
#pragma once

namespace CLI {
class App;
}

namespace ledger::projector {

void add_commands(CLI::App& app, int& exit_code);

}  // namespace ledger::projector
