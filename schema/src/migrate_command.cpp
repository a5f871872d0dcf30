// `ledger migrate`: apply the versioned SQL migrations.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <pqxx/pqxx>

#include "commands_internal.hpp"
#include "ledger/schema/backend.hpp"
#include "ledger/schema/database_options.hpp"
#include "ledger/schema/migrator.hpp"

namespace ledger::schema::detail {
namespace {

struct MigrateArgs {
  DatabaseOptions database;
  MigrateOptions migrate;
  bool status = false;
  bool no_maintenance = false;
  std::string writer_login;  // with $LEDGER_WRITER_PASSWORD
  std::string reader_login;  // with $LEDGER_READER_PASSWORD
};

// Creates the optional login users after the migrations (which create their groups).
bool ensure_login_users(pqxx::connection& connection, const MigrateArgs& args) {
  const struct {
    const std::string& name;
    const char* group;
    const char* password_env;
  } users[] = {{args.writer_login, "ledger_writer", "LEDGER_WRITER_PASSWORD"},
               {args.reader_login, "ledger_reader", "LEDGER_READER_PASSWORD"}};
  for (const auto& user : users) {
    if (user.name.empty()) continue;
    const char* password = std::getenv(user.password_env);
    std::string error;
    if (password == nullptr || *password == '\0') {
      std::fprintf(stderr, "ledger migrate: login %s needs its password in $%s\n",
                   user.name.c_str(), user.password_env);
      return false;
    }
    if (!ensure_login_role(connection, user.name, user.group, password, error)) {
      std::fprintf(stderr, "ledger migrate: %s\n", error.c_str());
      return false;
    }
    std::printf("login role %s is a member of %s\n", user.name.c_str(), user.group);
  }
  return true;
}

int print_status(pqxx::connection& connection, const MigrateOptions& options) {
  std::vector<MigrationState> states;
  std::string error;
  if (!migration_status(connection, options, states, error)) {
    std::fprintf(stderr, "ledger migrate --status: %s\n", error.c_str());
    return 1;
  }
  int problems = 0;
  std::printf("schema %s\nbackend: %s\n", options.schema.c_str(),
              describe_backend(connection).summary.c_str());
  for (const MigrationState& state : states) {
    std::printf("  %-8s %-40s %s\n", state.state.c_str(), state.name.c_str(),
                state.applied_at.c_str());
    if (state.state == "changed" || state.state == "missing") ++problems;
  }
  return problems == 0 ? 0 : 1;
}

int run_migrate(MigrateArgs& args) {
  std::string error;
  const std::optional<std::string> uri = resolve_database_uri(args.database, error);
  if (!uri) {
    std::fprintf(stderr, "ledger migrate: %s\n", error.c_str());
    return 1;
  }
  args.migrate.schema = args.database.schema;
  args.migrate.maintain_history = !args.no_maintenance;
  args.migrate.progress = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  try {
    pqxx::connection connection(*uri);
    if (args.status) return print_status(connection, args.migrate);
    MigrateResult result;
    if (!migrate(connection, args.migrate, result, error)) {
      std::fprintf(stderr, "ledger migrate: %s\n", error.c_str());
      return 1;
    }
    std::printf("schema %s: %zu migration(s) %s, %zu already applied (backend %s)\n",
                args.migrate.schema.c_str(), result.applied.size(),
                args.migrate.dry_run ? "pending (dry run)" : "applied",
                result.already_applied.size(), result.backend.c_str());
    if (args.migrate.dry_run) return 0;
    return ensure_login_users(connection, args) ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ledger migrate: database %s: %s\n", redact_database_uri(*uri).c_str(),
                 e.what());
    return 1;
  }
}

}  // namespace

void add_migrate_command(CLI::App& app, int& exit_code) {
  CLI::App* migrate = app.add_subcommand(
      "migrate",
      "Apply pending SQL migrations to a schema (run as an owner/admin role: it creates "
      "extensions, the ledger_writer/ledger_reader roles and the schema)");
  auto args = std::make_shared<MigrateArgs>();
  add_database_options(*migrate, args->database);
  migrate->add_option(
      "--migrations-dir", args->migrate.migrations_dir,
      "Directory of NNNN_name.sql files (default: " + default_migrations_dir() + ")");
  migrate->add_flag("--dry-run", args->migrate.dry_run,
                    "Detect the backend and list pending migrations; change nothing");
  migrate->add_flag("--status", args->status,
                    "List applied, pending, changed and missing migrations (exit 1 on changed "
                    "or missing)");
  migrate->add_flag("--no-maintenance", args->no_maintenance,
                    "Skip partition upkeep (CALL <schema>.maintain_history) after migrating");
  migrate->add_option("--writer-login", args->writer_login,
                      "Also create/update this LOGIN user in ledger_writer (password from "
                      "$LEDGER_WRITER_PASSWORD)");
  migrate->add_option("--reader-login", args->reader_login,
                      "Also create/update this LOGIN user in ledger_reader (password from "
                      "$LEDGER_READER_PASSWORD)");
  migrate->callback([args, &exit_code] { exit_code = run_migrate(*args); });
}

}  // namespace ledger::schema::detail
