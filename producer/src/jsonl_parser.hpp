// Internal: JSON Lines into ledger.v1.Events, parsed on several threads, delivered in order.
//
// Protobuf's JSON parser costs tens of microseconds per event, far more than publishing it, so
// `ledger publish` parses batches of lines on worker threads while the calling thread publishes
// the batches before them. Promises: batches reach `consume` in input order, lines within a
// batch in input order, on the calling thread; at most `workers` batches of at most
// `batch_lines_max` lines are parsed at once, plus the one being consumed (memory stays
// bounded whatever the input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ledger/v1/events.pb.h"
#include "line_reader.hpp"

namespace ledger::producer::detail {

struct ParsedLine {
  std::uint64_t line_number = 0;
  enum class Kind { event, blank, too_long, invalid_json } kind = Kind::blank;
  std::string error;        // for invalid_json: protobuf's message
  ledger::v1::Event event;  // for event
};

struct JsonlParseOptions {
  std::size_t batch_lines_max = 512;
  std::size_t workers = 2;  // threads parsing at once; 0 counts as 1
};

// Reads every line of `reader` and calls `consume` with each parsed batch, in order.
void parse_jsonl_in_order(LineReader& reader, const JsonlParseOptions& options,
                          const std::function<void(std::vector<ParsedLine>&)>& consume);

}  // namespace ledger::producer::detail
