#include "bench_support.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>

#include "ledger/testing/services.hpp"
#include "ledger/v1/events.pb.h"

namespace ledger::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string admin_or_default(const std::string& admin_uri) {
  return admin_uri.empty() ? testing::postgres_admin_uri() : admin_uri;
}

std::string database_name(const std::string& uri) {
  const std::size_t slash = uri.rfind('/');
  const std::size_t query = uri.find('?', slash);
  return uri.substr(slash + 1, query == std::string::npos ? std::string::npos : query - slash - 1);
}

// Replaces the database of `uri` (postgresql://.../db[?params]) with `database`.
std::string with_database(const std::string& uri, const std::string& database) {
  const std::size_t slash = uri.rfind('/');
  const std::size_t query = uri.find('?', slash);
  return uri.substr(0, slash + 1) + database +
         (query == std::string::npos ? std::string() : uri.substr(query));
}

struct PgConnDeleter {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;

PgConn connect_raw(const std::string& uri) {
  PgConn connection(PQconnectdb(uri.c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("connect: ") + PQerrorMessage(connection.get()));
  }
  return connection;
}

void exec_raw(PGconn* connection, const std::string& sql, ExecStatusType expected) {
  PGresult* result = PQexec(connection, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  PQclear(result);
  if (status != expected) {
    throw std::runtime_error(sql.substr(0, 80) + ": " + PQerrorMessage(connection));
  }
}

// COPY (SELECT columns FROM table) TO STDOUT, into one string; counts rows.
// " (FORMAT binary)" or "".
std::string format_clause(CopyFormat format) {
  return format == CopyFormat::kBinary ? " (FORMAT binary)" : "";
}

// `rows` counts COPY data messages: one per row (binary adds one for the trailer).
std::string copy_out(PGconn* connection, const std::string& select, CopyFormat format,
                     std::int64_t& rows) {
  exec_raw(connection, "COPY (" + select + ") TO STDOUT" + format_clause(format), PGRES_COPY_OUT);
  std::string data;
  char* buffer = nullptr;
  int length = 0;
  while ((length = PQgetCopyData(connection, &buffer, 0)) > 0) {
    data.append(buffer, static_cast<std::size_t>(length));
    PQfreemem(buffer);
    ++rows;
  }
  PGresult* result = PQgetResult(connection);
  const ExecStatusType status = PQresultStatus(result);
  PQclear(result);
  while ((result = PQgetResult(connection)) != nullptr) PQclear(result);
  if (length == -2 || status != PGRES_COMMAND_OK) {
    throw std::runtime_error(std::string("COPY TO: ") + PQerrorMessage(connection));
  }
  return data;
}

void copy_in(PGconn* connection, const std::string& target, CopyFormat format,
             const std::string& data) {
  exec_raw(connection, "BEGIN", PGRES_COMMAND_OK);
  exec_raw(connection, "COPY " + target + " FROM STDIN" + format_clause(format), PGRES_COPY_IN);
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t at = 0; at < data.size(); at += kChunk) {
    const std::size_t size = std::min(kChunk, data.size() - at);
    if (PQputCopyData(connection, data.data() + at, static_cast<int>(size)) != 1) {
      throw std::runtime_error(std::string("COPY FROM: ") + PQerrorMessage(connection));
    }
  }
  if (PQputCopyEnd(connection, nullptr) != 1) {
    throw std::runtime_error(std::string("COPY FROM end: ") + PQerrorMessage(connection));
  }
  PGresult* result = PQgetResult(connection);
  const ExecStatusType status = PQresultStatus(result);
  PQclear(result);
  while ((result = PQgetResult(connection)) != nullptr) PQclear(result);
  if (status != PGRES_COMMAND_OK) {
    throw std::runtime_error("COPY " + target + ": " + PQerrorMessage(connection));
  }
  exec_raw(connection, "COMMIT", PGRES_COMMAND_OK);
}

struct TableColumns {
  std::string table;
  std::string columns;  // "a, b, c" (quoted), generated columns left out
};

std::vector<TableColumns> base_tables(const std::string& uri, const std::string& schema) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  const pqxx::result rows = tx.exec_params(
      "SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "  AND a.attgenerated = '' "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
      "  AND c.relname <> 'schema_migrations' "
      "GROUP BY c.relname ORDER BY c.relname",
      schema);
  std::vector<TableColumns> tables;
  for (const pqxx::row& row : rows) tables.push_back({row[0].c_str(), row[1].c_str()});
  return tables;
}

}  // namespace

std::string fresh_database(const std::string& admin_uri, const std::string& prefix) {
  if (admin_uri.empty()) return testing::create_database(prefix);
  const std::string name = prefix + "_" + testing::unique_suffix();
  pqxx::connection connection(admin_uri);
  pqxx::nontransaction tx(connection);
  tx.exec0("CREATE DATABASE " + tx.quote_name(name));
  return with_database(admin_uri, name);
}

void drop_database(const std::string& admin_uri, const std::string& uri) {
  pqxx::connection connection(admin_or_default(admin_uri));
  pqxx::nontransaction tx(connection);
  tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(database_name(uri)));
}

std::string cluster_settings(const std::string& uri) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  std::string text = "PostgreSQL " + std::string(tx.exec1("SHOW server_version")[0].c_str());
  for (const char* name : {"fsync", "synchronous_commit", "full_page_writes", "shared_buffers"}) {
    text += std::string(" ") + name + "=" + tx.exec1(std::string("SHOW ") + name)[0].c_str();
  }
  return text;
}

long peak_rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

CopyResult copy_tables(const std::string& uri, const std::string& from, const std::string& to,
                       CopyFormat format) {
  CopyResult copy;
  PgConn connection = connect_raw(uri);
  for (const TableColumns& table : base_tables(uri, from)) {
    std::int64_t rows = 0;
    const std::string data =
        copy_out(connection.get(), "SELECT " + table.columns + " FROM " + from + "." + table.table,
                 format, rows);
    if (format == CopyFormat::kBinary) --rows;  // the trailer
    if (rows <= 0) continue;
    const auto start = Clock::now();
    copy_in(connection.get(), to + "." + table.table + " (" + table.columns + ")", format, data);
    copy.seconds += std::chrono::duration<double>(Clock::now() - start).count();
    copy.rows += rows;
    copy.bytes += static_cast<std::int64_t>(data.size());
    ++copy.tables;
  }
  return copy;
}

double naive_insert(const std::string& uri, const std::string& schema, const std::string& topic,
                    const std::vector<testing::RawRecord>& records) {
  pqxx::connection connection(uri);
  connection.prepare("archive",
                     "INSERT INTO " + schema +
                         ".event_archive (event_id, agent_id, event_type, occurred_at, session, "
                         "sequence, correlation_id, causation_id, kafka_topic, kafka_partition, "
                         "kafka_offset, payload) VALUES ($1::uuid, $2, $3, timestamptz 'epoch' + "
                         "$4::bigint * interval '1 millisecond', $5, $6, $7, $8, $9, 0, $10, $11)");
  const auto start = Clock::now();
  std::int64_t offset = 0;
  for (const testing::RawRecord& record : records) {
    ledger::v1::Event event;
    const bool decoded = event.ParseFromString(record.value) && !event.event_id().empty();
    std::string type = "undecodable";
    if (decoded && event.payload_case() != ledger::v1::Event::PAYLOAD_NOT_SET) {
      type = ledger::v1::Event::descriptor()
                 ->FindFieldByNumber(static_cast<int>(event.payload_case()))
                 ->name();
    }
    pqxx::work tx(connection);
    const pqxx::binarystring payload(record.value.data(), record.value.size());
    tx.exec_prepared0(
        "archive", decoded ? std::optional<std::string>(event.event_id()) : std::nullopt,
        record.key, type, record.occurred_at_ms, decoded ? event.session() : std::string(),
        static_cast<std::int64_t>(decoded ? event.sequence() : 0),
        decoded ? event.correlation_id() : std::string(),
        decoded ? event.causation_id() : std::string(), topic, offset++, payload);
    tx.commit();
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace ledger::bench
