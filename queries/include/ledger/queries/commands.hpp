// The `ledger` subcommands owned by queries/: `ledger query` (named read-only queries) and
// `ledger audit` (decision and agent audit trails). add_query_commands() registers both on the
// top-level app; a subcommand's callback stores its process exit status in `exit_code`.
#pragma once

namespace CLI {
class App;
}

namespace ledger::queries {

void add_query_commands(CLI::App& app, int& exit_code);

}  // namespace ledger::queries
