#include "ledger/testing/command.hpp"

#include "ledger/local/process/process.hpp"

namespace ledger::testing {

int run_command(const std::string& shell_command, std::string& output, int timeout_ms) {
  local::process::SpawnOptions options;
  options.argv = {"sh", "-c", shell_command};
  std::string error;
  const auto status = local::process::run(options, timeout_ms, error, &output);
  if (!status) output += "\n" + error;
  return status.value_or(-1);
}

}  // namespace ledger::testing
