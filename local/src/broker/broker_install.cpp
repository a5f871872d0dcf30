// Resolving Apache Kafka's jars from Maven Central into the shared cache.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "../files.hpp"
#include "ledger/local/broker.hpp"
#include "ledger/local/process/process.hpp"

namespace ledger::local {
namespace {

namespace fs = std::filesystem;
constexpr int kCacheLockTimeoutMs = 900'000;  // another process may be downloading
constexpr int kMavenLogLinesShown = 30;

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The cache is complete when its marker holds exactly the pom it was resolved from.
bool cache_complete(const fs::path& version_dir, const std::string& pom_text) {
  const auto marker = read_text((version_dir / "complete").string());
  return marker && *marker == pom_text && fs::is_directory(version_dir / "libs");
}

bool run_maven(const std::string& pom_path, const fs::path& version_dir, int timeout_ms,
               std::string& error) {
  const fs::path partial = version_dir / "libs.partial";
  const std::string log_path = (version_dir / "mvn.log").string();
  std::error_code ec;
  fs::remove_all(partial, ec);
  fs::remove(log_path, ec);
  process::SpawnOptions mvn;
  mvn.argv = {"mvn",
              "-q",
              "-B",
              "-Dstyle.color=never",
              "-f",
              pom_path,
              "dependency:copy-dependencies",
              "-DincludeScope=runtime",
              "-DoutputDirectory=" + partial.string()};
  mvn.log_path = log_path;
  mvn.working_dir = version_dir.string();
  const auto status = process::run(mvn, timeout_ms, error);
  if (status && *status == 0) return true;
  if (status) error = "mvn exited with status " + std::to_string(*status);
  error += " while resolving Kafka from " + pom_path + "; end of " + log_path + ":\n" +
           file_tail(log_path, kMavenLogLinesShown);
  return false;
}

bool install_libs(const std::string& pom_path, const std::string& pom_text,
                  const std::string& version, const fs::path& version_dir, int timeout_ms,
                  std::string& error) {
  if (!process::find_program("mvn")) {
    error = "mvn (Apache Maven) is not on PATH; it is needed once to fetch Apache Kafka " +
            version + " (Debian: apt-get install maven)";
    return false;
  }
  std::cerr << "ledger broker: resolving Apache Kafka " << version << " from Maven Central into "
            << (version_dir / "libs").string() << " (first time only)...\n";
  const auto started = std::chrono::steady_clock::now();
  if (!run_maven(pom_path, version_dir, timeout_ms, error)) return false;
  const fs::path partial = version_dir / "libs.partial";
  const fs::path broker_jar = partial / ("kafka_2.13-" + version + ".jar");
  if (!fs::exists(broker_jar)) {
    error = "Maven finished but " + broker_jar.string() + " is missing; check " + pom_path;
    return false;
  }
  std::error_code ec;
  fs::remove_all(version_dir / "libs", ec);
  fs::rename(partial, version_dir / "libs", ec);
  if (ec) {
    error = "cannot move " + partial.string() + " into place: " + ec.message();
    return false;
  }
  if (!write_file_atomic((version_dir / "complete").string(), pom_text, error)) {
    return false;
  }
  const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  std::cerr << "ledger broker: resolved Apache Kafka " << version << " in " << elapsed_ms
            << " ms\n";
  return true;
}

}  // namespace

std::optional<std::string> resolve_cache_dir(const std::string& flag_value, std::string& error) {
  if (!flag_value.empty()) return flag_value;
  const char* from_env = std::getenv("LEDGER_CACHE_DIR");
  if (from_env != nullptr && *from_env != '\0') return std::string(from_env);
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return std::string(home) + "/.cache/ledger";
  error = "neither LEDGER_CACHE_DIR nor HOME is set: cannot choose where to cache Kafka's jars";
  return std::nullopt;
}

std::optional<std::string> kafka_version_of_pom(const std::string& pom_path, std::string& error) {
  const auto text = read_text(pom_path);
  if (!text) {
    error = "cannot read the Kafka pom " + pom_path + " (pass --pom)";
    return std::nullopt;
  }
  static const std::regex kVersion(R"(<kafka\.version>\s*([0-9A-Za-z.\-]+)\s*</kafka\.version>)");
  std::smatch match;
  if (!std::regex_search(*text, match, kVersion)) {
    error = pom_path + " has no <kafka.version> property";
    return std::nullopt;
  }
  return match[1].str();
}

std::optional<std::string> ensure_kafka_libs(const std::string& pom_path,
                                             const std::string& cache_dir, int timeout_ms,
                                             std::string& error) {
  const auto version = kafka_version_of_pom(pom_path, error);
  if (!version) return std::nullopt;
  const std::string pom_text = read_text(pom_path).value_or("");
  const fs::path version_dir = fs::absolute(fs::path(cache_dir) / ("kafka-" + *version));
  if (cache_complete(version_dir, pom_text)) return (version_dir / "libs").string();
  std::error_code ec;
  fs::create_directories(version_dir, ec);
  if (ec) {
    error = "cannot create the cache directory " + version_dir.string() + ": " + ec.message();
    return std::nullopt;
  }
  const FileLock lock((version_dir / "resolve.lock").string(), kCacheLockTimeoutMs);
  if (!lock.locked()) {
    error = "another process holds " + (version_dir / "resolve.lock").string() + " too long";
    return std::nullopt;
  }
  if (!cache_complete(version_dir, pom_text) &&
      !install_libs(fs::absolute(pom_path).string(), pom_text, *version, version_dir, timeout_ms,
                    error)) {
    return std::nullopt;
  }
  return (version_dir / "libs").string();
}

}  // namespace ledger::local
