// check_no_nul_bytes(): the validation rule that no text field anywhere in a message holds a
// NUL byte (PostgreSQL text cannot store one). Walks every set field by reflection: nested and
// repeated messages and maps (keys and values) too; bytes fields are not text and are skipped.
// Each offending field is one FieldError named by its path ("decision_made.reasoning",
// "agent_heartbeat.marks[B\0C]": a NUL in a key is written backslash-zero), reason
// kNulBytesReason.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "ledger/events/validation.hpp"

namespace ledger::events::detail {

void check_no_nul_bytes(const google::protobuf::Message& message, const std::string& prefix,
                        std::vector<FieldError>& errors);

}  // namespace ledger::events::detail
