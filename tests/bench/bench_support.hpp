// The benchmark's measuring parts: a fresh database, the COPY ceiling, the naive floor, peak
// RSS of a process. One thread; each function opens and closes its own connections.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/testing/mixed_log.hpp"

namespace ledger::bench {

// A new empty database on `admin_uri`'s cluster (empty: the test cluster); returns its URI.
std::string fresh_database(const std::string& admin_uri, const std::string& prefix);
void drop_database(const std::string& admin_uri, const std::string& uri);
// "fsync=off synchronous_commit=off ..." of the cluster behind `uri`.
std::string cluster_settings(const std::string& uri);
// VmHWM of `pid` in KiB (0 when unreadable).
long peak_rss_kb(pid_t pid);

struct CopyResult {
  double seconds = 0;  // COPY FROM STDIN time summed over the tables (commits included)
  std::int64_t rows = 0;
  std::int64_t bytes = 0;  // COPY data sent
  int tables = 0;
};
enum class CopyFormat { kText, kBinary };
// Reads every base table of `from` (partitioned parents, not their partitions; not
// schema_migrations) with COPY TO, then times COPY FROM STDIN of those rows into the same table
// of `to` (one transaction per table), in `format` both ways.
CopyResult copy_tables(const std::string& uri, const std::string& from, const std::string& to,
                       CopyFormat format = CopyFormat::kText);

// The naive projector: per record, decode, one INSERT into <schema>.event_archive, one commit.
// Returns the seconds taken.
double naive_insert(const std::string& uri, const std::string& schema, const std::string& topic,
                    const std::vector<testing::RawRecord>& records);

}  // namespace ledger::bench
