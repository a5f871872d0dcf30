#include "ledger/queries/commands.hpp"

#include <CLI/CLI.hpp>

namespace ledger::queries {

void add_commands(CLI::App& /*app*/, int& /*exit_code*/) {}

}  // namespace ledger::queries
