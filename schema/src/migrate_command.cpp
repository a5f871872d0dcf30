// `ledger migrate`: apply the versioned SQL migrations.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "commands_internal.hpp"
#include "ledger/schema/database_options.hpp"

namespace ledger::schema::detail {

void add_migrate_command(CLI::App& app, int& exit_code) {
  CLI::App* migrate = app.add_subcommand("migrate", "Apply pending SQL migrations");
  auto options = std::make_shared<DatabaseOptions>();
  add_database_options(*migrate, *options);
  migrate->callback([&exit_code] {
    std::fprintf(stderr, "ledger migrate: not implemented yet\n");
    exit_code = 1;
  });
}

}  // namespace ledger::schema::detail
