// `ledger demo`: simulated LLM trading agents publishing to the ledger's topic.
// Registered by cli/ledger.cpp; the callback stores its process exit status in `exit_code`.
#pragma once

namespace CLI {
class App;
}

namespace ledger::producer {

void add_demo_command(CLI::App& app, int& exit_code);

}  // namespace ledger::producer
