// Internal to `ledger up`: spdlog set-up. Plain lines or JSON lines ({"time","level","msg"}),
// to stderr or to a file. Messages must never carry a password: callers log connection strings
// through schema::redact_database_uri.
#pragma once

#include <string>

namespace ledger::local::up {

// Replaces the default logger. `file` empty: stderr. Returns false (and keeps the old logger)
// when the file cannot be opened.
bool setup_logging(bool json, bool verbose, const std::string& file);

}  // namespace ledger::local::up
