// Running a shell command line from a test (promtool, chromium, python3 checks) with its output
// captured and a bound on its time, through local/process. For tests only: product code never
// runs a shell.
#pragma once

#include <string>

namespace ledger::testing {

// Runs `sh -c shell_command`; returns its exit status, -1 when it could not run or ran past
// timeout_ms (then it is stopped; `output` says why). `output` gets stdout and stderr.
int run_command(const std::string& shell_command, std::string& output, int timeout_ms = 300'000);

}  // namespace ledger::testing
