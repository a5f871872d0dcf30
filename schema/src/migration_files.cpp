#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "ledger/schema/migrator.hpp"

namespace ledger::schema {

std::string default_migrations_dir() { return LEDGER_MIGRATIONS_DIR; }

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &digest_size, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < digest_size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

namespace {

bool read_whole_file(const std::string& path, std::string& content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  content = buffer.str();
  return static_cast<bool>(in) || in.eof();
}

}  // namespace

bool load_migrations(const std::string& dir, std::vector<MigrationFile>& files,
                     std::string& error) {
  files.clear();
  static const std::regex pattern("^([0-9]{4})_[a-z0-9_]+\\.sql$");
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    error = "cannot read migrations directory " + dir + ": " + ec.message();
    return false;
  }
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    std::smatch match;
    if (!std::regex_match(name, match, pattern)) {
      error = "migration file " + entry.path().string() +
              " is not named NNNN_name.sql (four digits, lower-case name)";
      return false;
    }
    MigrationFile file;
    file.version = std::stoi(match[1].str());
    file.name = name;
    file.path = entry.path().string();
    if (!read_whole_file(file.path, file.sql)) {
      error = "cannot read migration file " + file.path;
      return false;
    }
    file.checksum = sha256_hex(file.sql);
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(),
            [](const MigrationFile& a, const MigrationFile& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version) {
      error = "two migration files have version " + std::to_string(files[i].version) + ": " +
              files[i - 1].path + " and " + files[i].path;
      return false;
    }
  }
  if (files.empty()) {
    error = "no migration files (NNNN_name.sql) in " + dir;
    return false;
  }
  return true;
}

}  // namespace ledger::schema
