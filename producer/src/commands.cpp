#include "ledger/producer/commands.hpp"

#include <CLI/CLI.hpp>

namespace ledger::producer {

void add_commands(CLI::App& /*app*/, int& /*exit_code*/) {}

}  // namespace ledger::producer
