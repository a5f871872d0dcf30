// Private to local/src/cluster: the server settings `ledger db start` writes beyond the basics:
// whether the cluster preloads TimescaleDB (and where that choice is kept) and the caller's
// `-c name=value` settings.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ledger::local::detail {

// Resolves the TimescaleDB choice of a start and keeps it in `marker_path` ("on" or "off"):
// `requested` when set; else what the marker says; else (no marker yet) on for a cluster made
// by this start when TimescaleDB is installed, off for an older cluster (its schema was made
// without the extension and stays so). Fails when TimescaleDB is chosen but not installed for
// `bin_dir`'s PostgreSQL, naming how to install it.
bool resolve_timescaledb(const std::string& marker_path, const std::string& bin_dir,
                         const std::optional<bool>& requested, bool cluster_is_new, bool& chosen,
                         std::string& error);

// postgresql.conf lines for the TimescaleDB preload (empty when !timescaledb) followed by
// `settings` ("name=value" each). Fails on a setting that is not name=value with a name of
// [A-Za-z0-9_.], naming it.
bool extra_server_conf(bool timescaledb, const std::vector<std::string>& settings,
                       std::string& conf, std::string& error);

// Whether the runtime configuration text `conf` (as written by a start) preloads TimescaleDB.
bool conf_preloads_timescaledb(const std::string& conf);

}  // namespace ledger::local::detail
