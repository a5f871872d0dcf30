#include "cluster_settings.hpp"

#include <filesystem>

#include "../files.hpp"
#include "ledger/local/cluster.hpp"

namespace ledger::local {

bool timescaledb_installed(const std::string& bin_dir) {
  std::error_code ec;
  const std::filesystem::path lib = std::filesystem::path(bin_dir).parent_path() / "lib";
  return std::filesystem::exists(lib / "timescaledb.so", ec);
}

namespace detail {
namespace {

// TimescaleDB needs a worker for its launcher, one scheduler per database that has the
// extension, and one per running policy job; parallel queries take theirs from the same pool.
constexpr int max_worker_processes = 32;
constexpr int timescaledb_background_workers = 16;
constexpr const char* preload_line = "shared_preload_libraries = 'timescaledb'";

bool valid_setting_name(const std::string& name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string conf_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += (c == '\'') ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

bool resolve_timescaledb(const std::string& marker_path, const std::string& bin_dir,
                         const std::optional<bool>& requested, bool cluster_is_new, bool& chosen,
                         std::string& error) {
  const std::optional<std::string> kept = read_first_line(marker_path);
  if (requested) {
    chosen = *requested;
  } else if (kept) {
    chosen = *kept == "on";
  } else {
    chosen = cluster_is_new && timescaledb_installed(bin_dir);
  }
  if (chosen && !timescaledb_installed(bin_dir)) {
    error = "TimescaleDB is not installed for the PostgreSQL in " + bin_dir + " (no " +
            (std::filesystem::path(bin_dir).parent_path() / "lib" / "timescaledb.so").string() +
            "): build it with scripts/timescaledb, install the vendor's package for PostgreSQL "
            "15 (the 2.28 line), or start with --no-timescaledb";
    return false;
  }
  const std::string value = chosen ? "on" : "off";
  if (kept && *kept == value) return true;
  return write_file_atomic(marker_path, value + "\n", error, 0644);
}

bool extra_server_conf(bool timescaledb, const std::vector<std::string>& settings,
                       std::string& conf, std::string& error) {
  conf.clear();
  if (timescaledb) {
    conf += std::string("# TimescaleDB (see <state-dir>/postgres/timescaledb).\n") + preload_line +
            "\n"
            "timescaledb.telemetry_level = off\n"
            "max_worker_processes = " +
            std::to_string(max_worker_processes) + "\ntimescaledb.max_background_workers = " +
            std::to_string(timescaledb_background_workers) + "\n";
  }
  if (!settings.empty()) conf += "# -c settings of this start.\n";
  for (const std::string& setting : settings) {
    const std::size_t equals = setting.find('=');
    const std::string name = setting.substr(0, equals);
    if (equals == std::string::npos || !valid_setting_name(name)) {
      error = "server setting '" + setting + "' is not name=value (e.g. work_mem=64MB)";
      return false;
    }
    conf += name + " = " + conf_quote(setting.substr(equals + 1)) + "\n";
  }
  return true;
}

bool conf_preloads_timescaledb(const std::string& conf) {
  return conf.find(preload_line) != std::string::npos;
}

}  // namespace detail
}  // namespace ledger::local
