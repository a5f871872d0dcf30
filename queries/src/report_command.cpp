// `ledger report`: writes the self-contained HTML picture of the books.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <pqxx/pqxx>

#include "ledger/queries/report.hpp"
#include "ledger/schema/database_options.hpp"

namespace ledger::queries {
namespace {

struct ReportArgs {
  schema::DatabaseOptions database;
  std::string output = "ledger-report.html";
};

int run_report(const ReportArgs& args) {
  if (!schema::is_valid_schema_name(args.database.schema)) {
    std::fprintf(stderr, "ledger report: invalid schema name '%s'\n", args.database.schema.c_str());
    return 2;
  }
  std::string error;
  const auto uri = schema::resolve_database_uri(args.database, error);
  if (!uri) {
    std::fprintf(stderr, "ledger report: %s\n", error.c_str());
    return 2;
  }
  Report report;
  try {
    pqxx::connection connection(*uri);
    if (!load_report(connection, args.database.schema, report, error)) {
      std::fprintf(stderr, "ledger report: reading schema %s: %s\n", args.database.schema.c_str(),
                   error.c_str());
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ledger report: cannot connect to %s: %s\n",
                 schema::redact_database_uri(*uri).c_str(), e.what());
    return 1;
  }
  const std::string html = render_report_html(report);
  if (args.output == "-") {
    std::fwrite(html.data(), 1, html.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
  out << html;
  out.close();
  if (!out) {
    std::fprintf(stderr, "ledger report: cannot write %s\n", args.output.c_str());
    return 1;
  }
  std::fprintf(stderr, "ledger report: wrote %s (%zu agents, %zu bytes)\n", args.output.c_str(),
               report.agents.size(), html.size());
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand(
      "report",
      "Write one self-contained HTML page (no network needed to open it) with each agent's "
      "equity curve, drawdown, P&L by symbol and decision mix, from the projected tables.");
  schema::add_database_options(*sub, args->database);
  sub->add_option("-o,--output", args->output, "HTML file to write, or - for stdout")
      ->capture_default_str();
  sub->callback([args, &exit_code] { exit_code = run_report(*args); });
}

}  // namespace ledger::queries
