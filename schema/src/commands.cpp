#include "ledger/schema/commands.hpp"

#include <CLI/CLI.hpp>

namespace ledger::schema {

void add_commands(CLI::App& /*app*/, int& /*exit_code*/) {}

}  // namespace ledger::schema
