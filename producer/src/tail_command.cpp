#include <CLI/CLI.hpp>

#include "command_registry.hpp"

namespace ledger::producer {

void add_tail_command(CLI::App& /*app*/, int& /*exit_code*/) {}

}  // namespace ledger::producer
