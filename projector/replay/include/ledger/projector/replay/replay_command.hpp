// `ledger replay`: registers the subcommand (see replay.hpp for what it does). The callback
// stores its process exit status in `exit_code`: 0 done (verify: no difference), 1 failure,
// 2 verify found differences.
#pragma once

namespace CLI {
class App;
}

namespace ledger::projector {

void add_replay_command(CLI::App& app, int& exit_code);

}  // namespace ledger::projector
