// BinaryCopy: COPY <table> (<columns>) FROM STDIN (FORMAT binary) inside a libpqxx transaction,
// for the append-only tables. Values are encoded straight into one buffer in PostgreSQL's binary
// format (no per-field strings, no text escaping on our side, no text parsing on the server's)
// and sent in chunks.
//
// Promises: complete() returns only when PostgreSQL accepted every row; a refusal throws
// pqxx::sql_error with its SQLSTATE (a value that cannot be encoded, e.g. a malformed uuid, is
// refused as 22P02 before anything is sent), a lost connection pqxx::broken_connection. Until
// complete() or the destructor, the transaction must not be used otherwise. Internal to
// projector/src; one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/events/decimal.hpp"

namespace ledger::projector {

// Typed values for columns whose binary form is not their text.
struct Timestamp {  // timestamptz, microseconds since the Unix epoch
  std::int64_t unix_us;
};
struct Numeric {  // numeric, exact
  events::Decimal value;
};
struct Uuid {  // uuid, from its 36-character text
  std::string text;
};
struct Jsonb {  // jsonb, from JSON text
  std::string json;
};
struct Bytea {  // bytea, raw bytes (a view: the bytes must outlive the row's put)
  std::string_view bytes;
};

class BinaryCopy {
 public:
  BinaryCopy(pqxx::dbtransaction& tx, const std::string& table,
             const std::vector<std::string>& columns);
  ~BinaryCopy();
  BinaryCopy(const BinaryCopy&) = delete;
  BinaryCopy& operator=(const BinaryCopy&) = delete;

  void begin_row(std::size_t fields);
  void put_null();
  void put(std::string_view text);
  void put(const std::string& text) { put(std::string_view(text)); }
  void put(const char* text) { put(std::string_view(text)); }
  void put(std::int32_t value);
  void put(std::int64_t value);
  void put(bool value);
  void put(Timestamp value);
  void put(Numeric value);
  void put(const Uuid& value);
  void put(const Jsonb& value);
  void put(Bytea value);
  template <typename T>
  void put(const std::optional<T>& value) {
    if (value) {
      put(*value);
    } else {
      put_null();
    }
  }

  void complete();

 private:
  void send(bool force);
  void raise_from_result();

  pqxx::internal::pq::PGconn* connection_;
  std::string buffer_;
  bool open_ = false;
};

// One COPY of `rows`, each turned into a tuple of put()-able values by make_row.
template <typename Rows, typename MakeRow>
void copy_binary(pqxx::dbtransaction& tx, const char* table,
                 const std::vector<std::string>& columns, const Rows& rows, MakeRow make_row) {
  if (rows.empty()) return;
  BinaryCopy copy(tx, table, columns);
  for (const auto& row : rows) {
    const auto values = make_row(row);
    copy.begin_row(std::tuple_size_v<std::decay_t<decltype(values)>>);
    std::apply([&copy](const auto&... value) { (copy.put(value), ...); }, values);
  }
  copy.complete();
}

}  // namespace ledger::projector
