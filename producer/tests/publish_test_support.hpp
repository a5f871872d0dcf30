// Shared by the Publisher / `ledger publish` / `ledger tail` tests: fresh events, decoding what
// was read back, the "every delivered event is in the log exactly once" check, and running the
// `ledger` binary. Test-only; not thread-safe unless stated.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ledger/producer/publisher.hpp"
#include "ledger/producer/topic_reader.hpp"
#include "ledger/v1/events.pb.h"

namespace ledger::producer::testing {

// The i-th payload case of a fixed mix covering every payload.
ledger::v1::Event::PayloadCase payload_case_for(std::size_t i);

// A valid event of `payload_case` owned by `agent_id`, its envelope left to the Publisher:
// no event_id, session, sequence or occurred_at.
ledger::v1::Event fresh_event(ledger::v1::Event::PayloadCase payload_case,
                              const std::string& agent_id);

struct DecodedRecord {
  Record record;
  ledger::v1::Event event;
};

// Decodes every record's value (a failure is a test failure, the record is skipped).
std::vector<DecodedRecord> decode_all(const std::vector<Record>& records);

// The value of the header `key`, or "<missing>".
std::string header(const Record& record, const std::string& key);

// Every delivered report's event_id appears exactly once among `log` at the reported
// partition and offset; no event_id appears twice; an event reported not persisted is absent.
// Returns the number of delivered reports. Failures are reported with gtest EXPECTs.
std::size_t expect_delivered_exactly_once(const std::vector<DeliveryReport>& reports,
                                          const std::vector<DecodedRecord>& log);

// In `log` (offset order within each partition), each agent's events sit in one partition
// and their sequence numbers strictly increase. Failures are gtest EXPECTs.
void expect_agent_order(const std::vector<DecodedRecord>& log);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` with /bin/sh, capturing stdout and stderr through temporary files.
CommandResult run_command(const std::string& command);

// A new empty directory under $LEDGER_TEST_STATE_DIR (or /tmp) named "<prefix>-<unique>".
std::string make_temp_dir(const std::string& prefix);

}  // namespace ledger::producer::testing
