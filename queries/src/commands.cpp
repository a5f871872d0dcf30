#include "ledger/queries/commands.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <pqxx/pqxx>

#include "commands_internal.hpp"

namespace ledger::queries {

void add_filter_options(CLI::App& app, QueryFilters& filters) {
  app.add_option("--agent", filters.agent, "Only this agent id");
  app.add_option("--symbol", filters.symbol, "Only this symbol");
  app.add_option("--strategy", filters.strategy, "Only this strategy id");
  app.add_option("--since", filters.since,
                 "From this time (inclusive): a timestamp, or an age such as 24h, 7d, 30m");
  app.add_option("--until", filters.until, "Before this time (exclusive): a timestamp or an age");
}

void add_format_option(CLI::App& app, std::string& format) {
  app.add_option("--format", format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json", "csv"}));
}

OutputFormat parse_format(const std::string& format) {
  if (format == "json") return OutputFormat::kJson;
  if (format == "csv") return OutputFormat::kCsv;
  return OutputFormat::kTable;
}

std::optional<std::string> resolve_uri(const schema::DatabaseOptions& database,
                                       std::string& error) {
  return schema::resolve_database_uri(database, error);
}

int guarded(const char* command, const std::function<int()>& body) {
  try {
    return body();
  } catch (const pqxx::sql_error& e) {
    spdlog::error("{}: PostgreSQL refused the query: {}", command, e.what());
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", command, e.what());
  }
  return EXIT_FAILURE;
}

void add_query_commands(CLI::App& app, int& exit_code) {
  add_query_command(app, exit_code);
  add_audit_command(app, exit_code);
}

}  // namespace ledger::queries
