// UUIDs for event ids. Owns: making UUIDv7 (RFC 9562: 48-bit Unix milliseconds, then random
// bits from OpenSSL's CSPRNG) and checking the canonical text form. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ledger::events {

// A new UUIDv7 in canonical lowercase 8-4-4-4-12 form. Ids made later in one process sort after
// earlier ones (monotonic within the same millisecond).
std::string make_uuid_v7();

// True for canonical 8-4-4-4-12 hex text (either case), any version.
bool is_uuid(std::string_view text);

}  // namespace ledger::events
