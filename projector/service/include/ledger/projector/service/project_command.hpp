// `ledger project`: registers the subcommand that runs one ProjectorService (a consumer-group
// member, exactly once into PostgreSQL) until SIGINT/SIGTERM or, with --exit-at-end, until
// caught up. The callback stores its process exit status in `exit_code`.
#pragma once

namespace CLI {
class App;
}

namespace ledger::projector {

void add_project_command(CLI::App& app, int& exit_code);

}  // namespace ledger::projector
