#include "binary_copy.hpp"

#include <libpq-fe.h>

#include <array>

namespace ledger::projector {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;
// Seconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for timestamps.
constexpr std::int64_t kPostgresEpochUs = 946'684'800'000'000;

// libpqxx 6.4 keeps the libpq connection to itself; largeobject hands it to subclasses.
struct RawConnection : pqxx::largeobject {
  static pqxx::internal::pq::PGconn* of(const pqxx::dbtransaction& tx) {
    return largeobject::raw_connection(tx);
  }
};

void append_be16(std::string& out, std::uint16_t value) {
  const char bytes[2] = {static_cast<char>(value >> 8), static_cast<char>(value & 0xff)};
  out.append(bytes, 2);
}

void append_be32(std::string& out, std::uint32_t value) {
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>((value >> 16) & 0xff),
                         static_cast<char>((value >> 8) & 0xff), static_cast<char>(value & 0xff)};
  out.append(bytes, 4);
}

void append_be64(std::string& out, std::uint64_t value) {
  append_be32(out, static_cast<std::uint32_t>(value >> 32));
  append_be32(out, static_cast<std::uint32_t>(value & 0xffffffffu));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends `value`'s numeric binary form, length-prefixed: ndigits, weight, sign, dscale, then
// base-10000 digits (big-endian int16 each).
void append_numeric(std::string& out, events::Decimal value) {
  using Units = events::Decimal::Units;
  constexpr std::uint16_t kPositive = 0x0000;
  constexpr std::uint16_t kNegative = 0x4000;
  Units units = value.units();
  const bool negative = units < 0;
  if (negative) units = -units;
  // 10^-8 units: two base-10000 digits after the point, the rest before it (at most 6: < 10^24).
  std::array<std::uint16_t, 8> digits{};  // most significant first
  std::size_t end = digits.size();
  const auto fraction = static_cast<std::uint32_t>(units % events::Decimal::kOne);
  digits[--end] = static_cast<std::uint16_t>(fraction % 10000);
  digits[--end] = static_cast<std::uint16_t>(fraction / 10000);
  std::size_t first = end;
  for (Units integer = units / events::Decimal::kOne; integer > 0; integer /= 10000) {
    digits[--first] = static_cast<std::uint16_t>(integer % 10000);
  }
  int weight = static_cast<int>(end - first) - 1;  // of the first digit
  // No leading or trailing zero digits (PostgreSQL's own form).
  while (first < digits.size() && digits[first] == 0) {
    ++first;
    --weight;
  }
  std::size_t last = digits.size();
  while (last > first && digits[last - 1] == 0) --last;
  const std::size_t count = last - first;
  append_be32(out, static_cast<std::uint32_t>(8 + 2 * count));
  append_be16(out, static_cast<std::uint16_t>(count));
  append_be16(out, static_cast<std::uint16_t>(count == 0 ? 0 : weight));
  append_be16(out, count != 0 && negative ? kNegative : kPositive);
  append_be16(out, static_cast<std::uint16_t>(events::Decimal::kScale));
  for (std::size_t i = first; i < last; ++i) append_be16(out, digits[i]);
}

}  // namespace

BinaryCopy::BinaryCopy(pqxx::dbtransaction& tx, const std::string& table,
                       const std::vector<std::string>& columns)
    : connection_(RawConnection::of(tx)) {
  std::string sql = "COPY " + tx.quote_name(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i != 0) sql += ", ";
    sql += tx.quote_name(columns[i]);
  }
  sql += ") FROM STDIN (FORMAT binary)";
  PGresult* result = PQexec(connection_, sql.c_str());
  if (result == nullptr || PQresultStatus(result) != PGRES_COPY_IN) {
    const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string message = PQerrorMessage(connection_);
    const std::string state_text = state == nullptr ? std::string() : state;
    PQclear(result);
    if (state_text.empty()) throw pqxx::broken_connection(message);
    throw pqxx::sql_error(message, sql, state_text.c_str());
  }
  PQclear(result);
  open_ = true;
  buffer_.reserve(kChunkBytes + 64 * 1024);
  buffer_.append("PGCOPY\n\377\r\n\0", 11);
  append_be32(buffer_, 0);  // flags
  append_be32(buffer_, 0);  // header extension length
}

BinaryCopy::~BinaryCopy() {
  if (!open_) return;
  // Abandoned (an exception): end the COPY with an error so the connection is usable again;
  // the transaction is rolled back by its owner.
  PQputCopyEnd(connection_, "abandoned by the projector");
  while (PGresult* result = PQgetResult(connection_)) PQclear(result);
}

void BinaryCopy::begin_row(std::size_t fields) {
  append_be16(buffer_, static_cast<std::uint16_t>(fields));
  if (buffer_.size() >= kChunkBytes) send(false);
}

void BinaryCopy::put_null() { append_be32(buffer_, 0xffffffffu); }

void BinaryCopy::put(std::string_view text) {
  append_be32(buffer_, static_cast<std::uint32_t>(text.size()));
  buffer_.append(text);
}

void BinaryCopy::put(std::int32_t value) {
  append_be32(buffer_, 4);
  append_be32(buffer_, static_cast<std::uint32_t>(value));
}

void BinaryCopy::put(std::int64_t value) {
  append_be32(buffer_, 8);
  append_be64(buffer_, static_cast<std::uint64_t>(value));
}

void BinaryCopy::put(bool value) {
  append_be32(buffer_, 1);
  buffer_.push_back(value ? '\1' : '\0');
}

void BinaryCopy::put(Timestamp value) {
  append_be32(buffer_, 8);
  append_be64(buffer_, static_cast<std::uint64_t>(value.unix_us - kPostgresEpochUs));
}

void BinaryCopy::put(Numeric value) { append_numeric(buffer_, value.value); }

void BinaryCopy::put(const Uuid& value) {
  std::array<char, 16> bytes{};
  std::size_t count = 0;
  bool ok = value.text.size() == 36;
  for (std::size_t i = 0; ok && i < value.text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      ok = value.text[i] == '-';
      continue;
    }
    const int high = hex_value(value.text[i]);
    const int low = i + 1 < value.text.size() ? hex_value(value.text[i + 1]) : -1;
    ok = high >= 0 && low >= 0 && count < bytes.size();
    if (ok) bytes[count++] = static_cast<char>(high * 16 + low);
    ++i;
  }
  if (!ok || count != bytes.size()) {
    throw pqxx::sql_error("invalid input syntax for type uuid: \"" + value.text + "\"", "",
                          "22P02");
  }
  append_be32(buffer_, 16);
  buffer_.append(bytes.data(), bytes.size());
}

void BinaryCopy::put(const Jsonb& value) {
  append_be32(buffer_, static_cast<std::uint32_t>(value.json.size() + 1));
  buffer_.push_back('\1');  // jsonb binary format version
  buffer_.append(value.json);
}

void BinaryCopy::put(Bytea value) { put(value.bytes); }

void BinaryCopy::send(bool force) {
  if (buffer_.empty() || (!force && buffer_.size() < kChunkBytes)) return;
  if (PQputCopyData(connection_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
    open_ = false;
    throw pqxx::broken_connection(std::string("COPY: ") + PQerrorMessage(connection_));
  }
  buffer_.clear();
}

void BinaryCopy::complete() {
  append_be16(buffer_, 0xffff);  // trailer
  send(true);
  open_ = false;
  if (PQputCopyEnd(connection_, nullptr) != 1) {
    throw pqxx::broken_connection(std::string("COPY: ") + PQerrorMessage(connection_));
  }
  raise_from_result();
}

void BinaryCopy::raise_from_result() {
  std::string error;
  std::string state;
  while (PGresult* result = PQgetResult(connection_)) {
    if (PQresultStatus(result) != PGRES_COMMAND_OK && error.empty()) {
      error = PQresultErrorMessage(result);
      const char* code = PQresultErrorField(result, PG_DIAG_SQLSTATE);
      state = code == nullptr ? std::string() : code;
    }
    PQclear(result);
  }
  if (error.empty()) return;
  if (state.empty()) throw pqxx::broken_connection(error);
  throw pqxx::sql_error(error, "COPY", state.c_str());
}

}  // namespace ledger::projector
