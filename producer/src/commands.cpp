#include "ledger/producer/commands.hpp"

#include "command_registry.hpp"

namespace ledger::producer {

void add_commands(CLI::App& app, int& exit_code) {
  add_publish_command(app, exit_code);
  add_tail_command(app, exit_code);
}

}  // namespace ledger::producer
