// `ledger audit decision ID [--show-prompt]` and `ledger audit agent ID [--since T] [--until T]`.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "commands_internal.hpp"
#include "ledger/queries/audit.hpp"

namespace ledger::queries {
namespace {

struct AuditCommand {
  schema::DatabaseOptions database;
  std::string id;
  bool show_prompt = false;
  std::optional<std::string> since;
  std::optional<std::string> until;
  std::int64_t limit = 1000;
  std::string format = "table";
  int timeout_ms = 30'000;
};

int run_audit(AuditCommand& command, bool decision) {
  std::string error;
  const std::optional<std::string> uri = resolve_uri(command.database, error);
  if (!uri) {
    spdlog::error("audit: {}", error);
    return EXIT_FAILURE;
  }
  ReadOptions options;
  options.schema = command.database.schema;
  options.statement_timeout_ms = command.timeout_ms;
  ReadOnlySession session(*uri, options);
  AuditReport report;
  if (decision) {
    report = audit_decision(session, command.id, command.show_prompt);
  } else {
    const auto now = std::chrono::system_clock::now();
    AgentAuditOptions agent_options;
    if (command.since) agent_options.since = resolve_time(*command.since, now);
    if (command.until) agent_options.until = resolve_time(*command.until, now);
    agent_options.limit = command.limit;
    report = audit_agent(session, command.id, agent_options);
  }
  if (!report.found) {
    spdlog::error("audit: no {} '{}' in schema '{}'", decision ? "decision" : "agent", command.id,
                  options.schema);
    return EXIT_FAILURE;
  }
  write_audit(report, parse_format(command.format), std::cout);
  return EXIT_SUCCESS;
}

void add_common(CLI::App& sub, AuditCommand& command) {
  schema::add_database_options(sub, command.database);
  add_format_option(sub, command.format);
  sub.add_option("--timeout-ms", command.timeout_ms, "Statement timeout")
      ->capture_default_str()
      ->check(CLI::Range(0, 3'600'000));
}

}  // namespace

void add_audit_command(CLI::App& app, int& exit_code) {
  CLI::App* audit = app.add_subcommand(
      "audit", "Audit trails: a decision's chain, an agent's history, the archive's hash chains");
  audit->require_subcommand(1);

  auto decision = std::make_shared<AuditCommand>();
  CLI::App* by_decision = audit->add_subcommand(
      "decision",
      "A decision, the orders it caused, their fills and state changes, with Kafka coordinates");
  by_decision->add_option("id", decision->id, "Decision id (UUID)")->required();
  by_decision->add_flag("--show-prompt", decision->show_prompt,
                        "Also print the prompt and the LLM's raw response");
  add_common(*by_decision, *decision);
  by_decision->callback([decision, &exit_code] {
    exit_code = guarded("audit", [&] { return run_audit(*decision, true); });
  });

  auto agent = std::make_shared<AuditCommand>();
  CLI::App* by_agent = audit->add_subcommand("agent", "An agent's decision history with outcomes");
  by_agent->add_option("id", agent->id, "Agent id")->required();
  by_agent->add_option("--since", agent->since, "From this time: a timestamp or an age (24h, 7d)");
  by_agent->add_option("--until", agent->until, "Before this time: a timestamp or an age");
  by_agent->add_option("--limit", agent->limit, "Decisions at most (0: no limit)")
      ->capture_default_str();
  add_common(*by_agent, *agent);
  by_agent->callback([agent, &exit_code] {
    exit_code = guarded("audit", [&] { return run_audit(*agent, false); });
  });
  add_chain_audit_commands(*audit, exit_code);
}

}  // namespace ledger::queries
