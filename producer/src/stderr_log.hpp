// Internal: `ledger publish` and `ledger tail` keep stdout for data, so their logs (spdlog's
// default logger, used by the Publisher and TopicReader) go to stderr.
#pragma once

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace ledger::producer::detail {

inline void log_to_stderr() {
  constexpr const char* kName = "ledger-stderr";
  if (spdlog::get(kName) == nullptr) spdlog::set_default_logger(spdlog::stderr_color_mt(kName));
}

}  // namespace ledger::producer::detail
