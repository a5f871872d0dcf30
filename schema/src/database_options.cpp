#include "ledger/schema/database_options.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>

namespace ledger::schema {

void add_database_options(CLI::App& app, DatabaseOptions& options) {
  app.add_option("--db", options.uri,
                 "PostgreSQL URI or conninfo (default: libpq environment PGHOST/PGDATABASE/"
                 "PGSERVICE, else <state-dir>/postgres/uri from `ledger db start`)")
      ->envname("LEDGER_DATABASE_URL");
  app.add_option("--schema", options.schema, "Schema holding the projection tables")
      ->capture_default_str()
      ->check([](const std::string& value) {
        return is_valid_schema_name(value)
                   ? std::string()
                   : "schema must match [a-z_][a-z0-9_]{0,62}, got '" + value + "'";
      });
  if (app.get_option_no_throw("--state-dir") == nullptr) {
    app.add_option("--state-dir", options.state_dir,
                   "Local state directory (env LEDGER_STATE_DIR, default .ledger)")
        ->envname("LEDGER_STATE_DIR");
  }
}

std::string resolve_state_dir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  const char* env = std::getenv("LEDGER_STATE_DIR");
  return (env != nullptr && *env != '\0') ? std::string(env) : std::string(".ledger");
}

std::optional<std::string> resolve_database_uri(const DatabaseOptions& options,
                                                std::string& error) {
  if (!is_valid_schema_name(options.schema)) {
    error = "invalid schema name '" + options.schema + "': use [a-z_][a-z0-9_]{0,62}";
    return std::nullopt;
  }
  if (!options.uri.empty()) return options.uri;
  for (const char* name : {"PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return std::string();
  }
  const std::string path = resolve_state_dir(options.state_dir) + "/postgres/uri";
  std::ifstream in(path);
  std::string line;
  if (in && std::getline(in, line) && !line.empty()) return line;
  error =
      "no database configured: pass --db URI, set PGHOST/PGDATABASE/PGSERVICE, or start "
      "the local cluster with `ledger db start` (no " +
      path + ")";
  return std::nullopt;
}

bool is_valid_schema_name(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  for (const char c : name) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

namespace {

// Replaces the value after every "password=" (query parameter or conninfo keyword).
std::string redact_password_keywords(std::string text) {
  static constexpr std::string_view key = "password=";
  std::size_t pos = 0;
  while ((pos = text.find(key, pos)) != std::string::npos) {
    const std::size_t start = pos + key.size();
    std::size_t end = start;
    if (end < text.size() && text[end] == '\'') {
      ++end;
      while (end < text.size() && text[end] != '\'')
        end += (text[end] == '\\') ? std::size_t{2} : std::size_t{1};
      end = std::min(end + 1, text.size());
    } else {
      while (end < text.size() && text[end] != '&' && text[end] != ' ') ++end;
    }
    text.replace(start, end - start, "***");
    pos = start + 3;
  }
  return text;
}

}  // namespace

std::string redact_database_uri(std::string_view uri) {
  std::string text(uri);
  const std::size_t scheme = text.find("://");
  if (scheme != std::string::npos) {
    const std::size_t authority = scheme + 3;
    const std::size_t authority_end = text.find_first_of("/?", authority);
    const std::size_t at =
        text.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
    if (at != std::string::npos && at >= authority) {
      const std::size_t colon = text.find(':', authority);
      if (colon != std::string::npos && colon < at) {
        text.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  return redact_password_keywords(text);
}

}  // namespace ledger::schema
