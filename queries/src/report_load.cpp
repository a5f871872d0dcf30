// load_report: the report's rows, read in one read-only transaction.
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "ledger/queries/report.hpp"

namespace ledger::queries {
namespace {

using events::Decimal;

Decimal decimal_of(const pqxx::field& field) {
  return field.is_null() ? Decimal() : Decimal::parse(field.c_str()).value_or(Decimal());
}

bool table_exists(pqxx::transaction_base& tx, const std::string& qualified) {
  return tx.exec1("SELECT to_regclass(" + tx.quote(qualified) + ") IS NOT NULL")[0].as<bool>();
}

std::vector<FillRow> read_fills(pqxx::transaction_base& tx, const std::string& s,
                                const std::string& agent_id) {
  std::vector<FillRow> fills;
  const auto rows = tx.exec_params(
      "SELECT * FROM (SELECT (extract(epoch FROM occurred_at) * 1000)::bigint AS ms, symbol,"
      " side = 'buy', price::text, quantity::text, fee::text, kafka_partition, kafka_offset"
      " FROM " +
          s +
          "fills WHERE agent_id = $1 ORDER BY occurred_at DESC, kafka_offset DESC"
          " LIMIT $2) latest ORDER BY ms, kafka_partition, kafka_offset",
      agent_id, static_cast<std::int64_t>(kFillsMax));
  for (const auto& row : rows) {
    fills.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<bool>(),
                     decimal_of(row[3]), decimal_of(row[4]), decimal_of(row[5])});
  }
  return fills;
}

std::vector<MarkRow> read_marks(pqxx::transaction_base& tx, const std::string& s,
                                const std::string& agent_id) {
  std::vector<MarkRow> marks;
  const auto rows = tx.exec_params(
      "SELECT * FROM (SELECT (extract(epoch FROM occurred_at) * 1000)::bigint AS ms, marks::text"
      " FROM " +
          s +
          "heartbeats WHERE agent_id = $1 ORDER BY occurred_at DESC LIMIT $2) latest"
          " ORDER BY ms",
      agent_id, static_cast<std::int64_t>(kMarksMax));
  for (const auto& row : rows) {
    MarkRow mark{row[0].as<std::int64_t>(), {}};
    const auto json = nlohmann::json::parse(row[1].as<std::string>(), nullptr, false);
    if (json.is_object()) {
      for (const auto& [symbol, price] : json.items()) {
        if (!price.is_string()) continue;
        if (const auto parsed = Decimal::parse(price.get<std::string>())) {
          mark.marks[symbol] = *parsed;
        }
      }
    }
    marks.push_back(std::move(mark));
  }
  return marks;
}

void read_decision_mix(pqxx::transaction_base& tx, const std::string& s, AgentReport& agent) {
  const auto rows = tx.exec_params(
      "SELECT action, count(*) FROM " + s + "decisions WHERE agent_id = $1 GROUP BY action",
      agent.agent_id);
  for (const auto& row : rows) {
    const auto action = row[0].as<std::string>();
    const auto count = row[1].as<std::int64_t>();
    if (action == "HOLD") agent.holds += count;
    if (action == "OPEN_LONG" || action == "OPEN_SHORT") agent.opens += count;
    if (action == "CLOSE_POSITION") agent.closes += count;
  }
}

std::string now_rfc3339() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

bool load_report(pqxx::connection_base& connection, const std::string& schema, Report& report,
                 std::string& error) {
  report.generated_at = now_rfc3339();
  report.source = "schema " + schema;
  try {
    pqxx::read_transaction tx(connection);
    const std::string s = schema + ".";
    if (!table_exists(tx, s + "agents")) {
      report.notes.push_back("no projected tables in schema " + schema +
                             " yet: run `ledger up` (or `ledger migrate` and `ledger project`)");
      return true;
    }
    const bool has_history = table_exists(tx, s + "fills") && table_exists(tx, s + "heartbeats") &&
                             table_exists(tx, s + "decisions");
    if (!has_history) report.notes.push_back("fills, heartbeats or decisions missing: no curves");
    const auto agents = tx.exec(
        "SELECT agent_id, coalesce(name, ''), coalesce(llm_model, ''), coalesce(strategy_id, ''),"
        " coalesce(initial_balance, 0)::text FROM " +
        s + "agents ORDER BY agent_id LIMIT 100");
    for (const auto& row : agents) {
      AgentReport agent;
      agent.agent_id = row[0].as<std::string>();
      agent.name = row[1].as<std::string>();
      agent.llm_model = row[2].as<std::string>();
      agent.strategy_id = row[3].as<std::string>();
      agent.initial_balance = decimal_of(row[4]);
      if (has_history) {
        fold_books(read_fills(tx, s, agent.agent_id), read_marks(tx, s, agent.agent_id), agent);
        read_decision_mix(tx, s, agent);
      }
      report.agents.push_back(std::move(agent));
    }
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

}  // namespace ledger::queries
