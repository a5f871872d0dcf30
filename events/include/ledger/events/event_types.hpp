// Names of event payloads: the stable type string of each oneof case, used in the CloudEvents
// `ce_type` header ("ledger.v1.OrderFilled"), the archive's type column and metrics labels
// ("order_filled"). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "ledger/v1/events.pb.h"

namespace ledger::events {

// "order_filled" for kOrderFilled; "unknown" for PAYLOAD_NOT_SET.
std::string_view payload_name(ledger::v1::Event::PayloadCase payload_case);
// "ledger.v1.OrderFilled"; "ledger.v1.Unknown" for PAYLOAD_NOT_SET.
std::string_view payload_type(ledger::v1::Event::PayloadCase payload_case);

// Every known payload case, in field-number order (for tests and metrics).
std::span<const ledger::v1::Event::PayloadCase> all_payload_cases();
// The case named by "order_filled" or "ledger.v1.OrderFilled"; nullopt for anything else.
std::optional<ledger::v1::Event::PayloadCase> payload_case_from_name(std::string_view name);

}  // namespace ledger::events
