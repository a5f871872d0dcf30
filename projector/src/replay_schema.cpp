#include "replay_schema.hpp"

#include <chrono>
#include <stdexcept>

#include "ledger/schema/migrator.hpp"

namespace ledger::projector::replay_schema {

bool schema_exists(pqxx::connection& connection, const std::string& schema) {
  pqxx::read_transaction tx(connection);
  return tx.exec_params1("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema)[0]
      .as<bool>();
}

void create_target(pqxx::connection& connection, const std::string& target) {
  if (schema_exists(connection, target)) {
    throw std::runtime_error("schema '" + target +
                             "' exists already (a previous replay?): drop it or choose another "
                             "--target-schema");
  }
  schema::MigrateOptions options;
  options.schema = target;
  schema::MigrateResult result;
  std::string error;
  if (!schema::migrate(connection, options, result, error)) {
    throw std::runtime_error("migrating the rebuild schema '" + target + "': " + error);
  }
}

OffsetMap committed_offsets(pqxx::connection& connection, const std::string& schema,
                            const std::string& group, const std::string& topic) {
  OffsetMap offsets;
  pqxx::read_transaction tx(connection);
  for (const pqxx::row& row :
       tx.exec_params("SELECT kafka_partition, next_offset FROM " + tx.quote_name(schema) +
                          ".consumer_offsets WHERE consumer_group = $1 AND kafka_topic = $2",
                      group, topic)) {
    offsets[row[0].as<std::int32_t>()] = row[1].as<std::int64_t>();
  }
  return offsets;
}

double swap(pqxx::connection& connection, const std::string& live, const std::string& target,
            const std::string& old, const std::string& group, int lock_timeout_ms) {
  const auto started = std::chrono::steady_clock::now();
  pqxx::work tx(connection, "replay swap");
  const std::string q_live = tx.quote_name(live);
  const std::string q_target = tx.quote_name(target);
  const std::string q_old = tx.quote_name(old);
  tx.exec0("SET LOCAL lock_timeout = " + std::to_string(lock_timeout_ms));
  try {
    tx.exec0("LOCK TABLE " + q_live + ".consumer_offsets IN ACCESS EXCLUSIVE MODE");
  } catch (const pqxx::sql_error& e) {
    throw std::runtime_error("swap: could not lock " + live + ".consumer_offsets within " +
                             std::to_string(lock_timeout_ms) + " ms: " + e.what());
  }
  tx.exec_params0("INSERT INTO " + q_target +
                      ".consumer_offsets (consumer_group, kafka_topic, kafka_partition, "
                      "next_offset) "
                      "SELECT DISTINCT l.consumer_group, r.kafka_topic, r.kafka_partition, "
                      "       r.next_offset "
                      "  FROM " +
                      q_live + ".consumer_offsets l JOIN " + q_target +
                      ".consumer_offsets r ON r.kafka_topic = l.kafka_topic "
                      "   AND r.consumer_group = $1 "
                      " WHERE l.consumer_group <> $1 ON CONFLICT DO NOTHING",
                  group);
  tx.exec0("ALTER SCHEMA " + q_live + " RENAME TO " + q_old);
  tx.exec_params("SELECT " + q_old + ".rename_history_schema($1, $2)", live, old);
  tx.exec0("ALTER SCHEMA " + q_target + " RENAME TO " + q_live);
  tx.exec_params("SELECT " + q_live + ".rename_history_schema($1, $2)", target, live);
  tx.commit();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
      .count();
}

void drop(pqxx::connection& connection, const std::string& schema) {
  pqxx::work tx(connection, "replay drop");
  const std::string quoted = tx.quote_name(schema);
  tx.exec_params("SELECT " + quoted + ".forget_history_schema($1)", schema);
  tx.exec0("DROP SCHEMA " + quoted + " CASCADE");
  tx.commit();
}

}  // namespace ledger::projector::replay_schema
