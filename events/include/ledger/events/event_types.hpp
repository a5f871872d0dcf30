// Names of event payloads: the stable type string of each oneof case, used in the CloudEvents
// `ce_type` header ("ledger.v1.OrderFilled"), the archive's type column and metrics labels
// ("order_filled"). Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "ledger/v1/events.pb.h"

namespace ledger::events {

// "order_filled" for kOrderFilled; "unknown" for PAYLOAD_NOT_SET.
std::string_view payload_name(ledger::v1::Event::PayloadCase payload_case);
// "ledger.v1.OrderFilled"; "ledger.v1.Unknown" for PAYLOAD_NOT_SET.
std::string_view payload_type(ledger::v1::Event::PayloadCase payload_case);

}  // namespace ledger::events
