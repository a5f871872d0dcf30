#include "ledger/queries/named_query.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ledger::queries {

// Generated from queries/sql/*.sql by CMake (embedded_queries.cpp): {file name, content} pairs.
struct EmbeddedQueryFile {
  const char* name;
  const char* text;
};
extern const EmbeddedQueryFile kEmbeddedQueryFiles[];
extern const std::size_t kEmbeddedQueryFileCount;

namespace {

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])) != 0) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])) != 0) --end;
  return std::string(text.substr(begin, end - begin));
}

bool is_identifier(std::string_view name) {
  if (name.empty() || name.size() > 63 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// The header: leading "-- key: value" lines.
void read_header(std::string_view text, std::vector<std::pair<std::string, std::string>>& fields) {
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    const std::string trimmed = trim(line);
    if (trimmed.rfind("--", 0) != 0) break;
    const std::string body = trim(std::string_view(trimmed).substr(2));
    const std::size_t colon = body.find(':');
    if (colon == std::string::npos) continue;
    fields.emplace_back(trim(std::string_view(body).substr(0, colon)),
                        trim(std::string_view(body).substr(colon + 1)));
  }
}

// The $N placeholders used in `sql` outside comments and quoted text.
std::set<int> placeholders(std::string_view sql) {
  std::set<int> found;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) break;
    } else if (c == '\'' || c == '"') {
      const std::size_t close = sql.find(c, i + 1);
      if (close == std::string_view::npos) break;
      i = close + 1;
      continue;
    } else if (c == '$' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      std::size_t j = i + 1;
      int number = 0;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])) != 0 &&
             number < 1000) {
        number = number * 10 + (sql[j] - '0');
        ++j;
      }
      found.insert(number);
      i = j;
      continue;
    }
    ++i;
  }
  return found;
}

bool parse_params(const std::string& value, const std::string& source,
                  std::vector<std::string>& params, std::string& error) {
  std::istringstream items(value);
  std::string item;
  while (std::getline(items, item, ',')) {
    const std::string name = trim(item);
    if (name.empty()) continue;
    const auto& known = known_params();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      error = source + ": unknown parameter '" + name + "' in the params line";
      return false;
    }
    if (std::find(params.begin(), params.end(), name) != params.end()) {
      error = source + ": parameter '" + name + "' listed twice";
      return false;
    }
    params.push_back(name);
  }
  return true;
}

}  // namespace

const std::vector<std::string>& known_params() {
  static const std::vector<std::string> kParams = {"agent", "symbol", "strategy", "since",
                                                   "until", "limit",  "bucket"};
  return kParams;
}

bool parse_named_query(std::string_view text, const std::string& source, NamedQuery& out,
                       std::string& error) {
  out = NamedQuery{};
  out.source = source;
  out.sql = std::string(text);
  std::vector<std::pair<std::string, std::string>> fields;
  read_header(text, fields);
  bool has_params = false;
  for (const auto& [key, value] : fields) {
    if (key == "name") out.name = value;
    if (key == "description") out.description = value;
    if (key == "params") {
      has_params = true;
      if (!parse_params(value, source, out.params, error)) return false;
    }
  }
  if (!is_identifier(out.name)) {
    error = source + ": the header needs a '-- name: <lower_case_name>' line";
    return false;
  }
  if (out.description.empty()) {
    error = source + ": the header needs a '-- description: ...' line";
    return false;
  }
  if (!has_params) {
    error = source + ": the header needs a '-- params: ...' line (it may be empty)";
    return false;
  }
  const std::set<int> used = placeholders(text);
  for (int n = 1; n <= static_cast<int>(out.params.size()); ++n) {
    if (used.count(n) == 0) {
      error = source + ": parameter $" + std::to_string(n) + " (" +
              out.params[static_cast<std::size_t>(n - 1)] + ") is never used in the SQL";
      return false;
    }
  }
  if (!used.empty() && *used.rbegin() > static_cast<int>(out.params.size())) {
    error = source + ": the SQL uses $" + std::to_string(*used.rbegin()) +
            " but the params line lists only " + std::to_string(out.params.size());
    return false;
  }
  return true;
}

const std::vector<NamedQuery>& builtin_queries() {
  static const std::vector<NamedQuery> kQueries = [] {
    std::vector<NamedQuery> queries;
    for (std::size_t i = 0; i < kEmbeddedQueryFileCount; ++i) {
      NamedQuery query;
      std::string error;
      if (!parse_named_query(kEmbeddedQueryFiles[i].text, kEmbeddedQueryFiles[i].name, query,
                             error)) {
        throw std::logic_error("built-in named query: " + error);
      }
      queries.push_back(std::move(query));
    }
    std::sort(queries.begin(), queries.end(),
              [](const NamedQuery& a, const NamedQuery& b) { return a.name < b.name; });
    return queries;
  }();
  return kQueries;
}

bool load_query_dir(const std::string& dir, std::vector<NamedQuery>& queries, std::string& error) {
  std::error_code code;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, code)) {
    if (entry.path().extension() == ".sql") files.push_back(entry.path());
  }
  if (code) {
    error = "cannot read query directory " + dir + ": " + code.message();
    return false;
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      error = "cannot read " + path.string();
      return false;
    }
    NamedQuery query;
    if (!parse_named_query(text.str(), path.string(), query, error)) return false;
    std::erase_if(queries, [&](const NamedQuery& q) { return q.name == query.name; });
    queries.push_back(std::move(query));
  }
  std::sort(queries.begin(), queries.end(),
            [](const NamedQuery& a, const NamedQuery& b) { return a.name < b.name; });
  return true;
}

const NamedQuery* find_query(const std::vector<NamedQuery>& queries, std::string_view name) {
  for (const NamedQuery& query : queries) {
    if (query.name == name) return &query;
  }
  return nullptr;
}

}  // namespace ledger::queries
