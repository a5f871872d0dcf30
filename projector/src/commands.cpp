#include "ledger/projector/commands.hpp"

#include <CLI/CLI.hpp>

namespace ledger::projector {

void add_commands(CLI::App& /*app*/, int& /*exit_code*/) {}

}  // namespace ledger::projector
