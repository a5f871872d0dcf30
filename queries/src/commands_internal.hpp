// Shared pieces of the `ledger query` and `ledger audit` subcommands (queries/src only).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "ledger/queries/filters.hpp"
#include "ledger/queries/result_table.hpp"
#include "ledger/schema/database_options.hpp"

namespace CLI {
class App;
}

namespace ledger::queries {

void add_query_command(CLI::App& app, int& exit_code);
void add_audit_command(CLI::App& app, int& exit_code);
// `audit verify` and `audit checkpoint` (chain_command.cpp), under `audit`.
void add_chain_audit_commands(CLI::App& audit, int& exit_code);

// --agent, --symbol, --strategy, --since, --until.
void add_filter_options(CLI::App& app, QueryFilters& filters);
// --format table|json|csv.
void add_format_option(CLI::App& app, std::string& format);
OutputFormat parse_format(const std::string& format);
std::optional<std::string> resolve_uri(const schema::DatabaseOptions& database, std::string& error);
// Runs `body`, turning exceptions into a logged error and EXIT_FAILURE.
int guarded(const char* command, const std::function<int()>& body);

}  // namespace ledger::queries
