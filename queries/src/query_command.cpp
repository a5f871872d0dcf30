// `ledger query NAME [filters] [--format table|json|csv]` and `ledger query --list`.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <pqxx/pqxx>

#include "commands_internal.hpp"
#include "ledger/queries/run_query.hpp"
#include "ledger/schema/database_options.hpp"

namespace ledger::queries {
namespace {

struct QueryCommand {
  schema::DatabaseOptions database;
  std::string name;
  bool list = false;
  std::string queries_dir;
  std::string format = "table";
  int timeout_ms = 30'000;
  QueryFilters filters;
  std::int64_t limit = 1000;
};

void print_list(const std::vector<NamedQuery>& queries) {
  for (const NamedQuery& query : queries) {
    std::cout << query.name << "\n    " << query.description << "\n    filters:";
    for (const std::string& param : query.params) std::cout << " --" << param;
    std::cout << "\n";
  }
}

int run_query_command(QueryCommand& command) {
  std::vector<NamedQuery> queries = builtin_queries();
  std::string error;
  if (!command.queries_dir.empty() && !load_query_dir(command.queries_dir, queries, error)) {
    spdlog::error("query: {}", error);
    return EXIT_FAILURE;
  }
  if (command.list || command.name.empty()) {
    print_list(queries);
    return command.list ? EXIT_SUCCESS : EXIT_FAILURE;
  }
  const NamedQuery* query = find_query(queries, command.name);
  if (query == nullptr) {
    spdlog::error("query: no named query '{}' (ledger query --list shows them)", command.name);
    return EXIT_FAILURE;
  }
  const std::optional<std::string> uri = resolve_uri(command.database, error);
  if (!uri) {
    spdlog::error("query: {}", error);
    return EXIT_FAILURE;
  }
  command.filters.limit = command.limit;
  ReadOptions options;
  options.schema = command.database.schema;
  options.statement_timeout_ms = command.timeout_ms;
  const ResultTable table = run_named_query(*uri, options, *query, command.filters);
  write_result(table, parse_format(command.format), std::cout);
  return EXIT_SUCCESS;
}

}  // namespace

void add_query_command(CLI::App& app, int& exit_code) {
  auto command = std::make_shared<QueryCommand>();
  CLI::App* sub = app.add_subcommand("query", "Run a named read-only query (ledger query --list)");
  sub->add_option("name", command->name, "Named query (see --list)");
  sub->add_flag("--list", command->list, "List the named queries and their filters");
  schema::add_database_options(*sub, command->database);
  add_filter_options(*sub, command->filters);
  sub->add_option("--bucket", command->filters.bucket,
                  "Bucket width for ohlc, a PostgreSQL interval (default '1 hour')");
  sub->add_option("--limit", command->limit, "Rows at most (0: no limit)")->capture_default_str();
  add_format_option(*sub, command->format);
  sub->add_option("--timeout-ms", command->timeout_ms, "Statement timeout")
      ->capture_default_str()
      ->check(CLI::Range(0, 3'600'000));
  sub->add_option("--queries-dir", command->queries_dir,
                  "Also load NAME.sql files from this directory (they override built-ins)");
  sub->callback([command, &exit_code] {
    exit_code = guarded("query", [&] { return run_query_command(*command); });
  });
}

}  // namespace ledger::queries
