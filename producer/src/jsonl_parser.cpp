#include "jsonl_parser.hpp"

#include <algorithm>
#include <deque>
#include <future>

#include "ledger/events/json.hpp"

namespace ledger::producer::detail {
namespace {

struct RawLine {
  std::uint64_t line_number;
  bool too_long;
  std::string text;
};

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

std::vector<ParsedLine> parse_batch(std::vector<RawLine> raw) {
  std::vector<ParsedLine> parsed(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    ParsedLine& out = parsed[i];
    out.line_number = raw[i].line_number;
    if (raw[i].too_long) {
      out.kind = ParsedLine::Kind::too_long;
    } else if (is_blank(raw[i].text)) {
      out.kind = ParsedLine::Kind::blank;
    } else if (events::event_from_json(raw[i].text, out.event, out.error)) {
      out.kind = ParsedLine::Kind::event;
    } else {
      out.kind = ParsedLine::Kind::invalid_json;
    }
  }
  return parsed;
}

std::vector<RawLine> read_batch(LineReader& reader, std::size_t lines_max) {
  std::vector<RawLine> batch;
  std::string line;
  bool too_long = false;
  while (batch.size() < lines_max && reader.next(line, too_long)) {
    batch.push_back({reader.line_number(), too_long, std::move(line)});
  }
  return batch;
}

}  // namespace

void parse_jsonl_in_order(LineReader& reader, const JsonlParseOptions& options,
                          const std::function<void(std::vector<ParsedLine>&)>& consume) {
  // Futures complete out of order; taking them from the front keeps input order.
  const std::size_t workers = std::max<std::size_t>(1, options.workers);
  std::deque<std::future<std::vector<ParsedLine>>> window;
  for (;;) {
    auto raw = read_batch(reader, std::max<std::size_t>(1, options.batch_lines_max));
    const bool at_end = raw.empty();
    if (!at_end) {
      window.push_back(std::async(std::launch::async, parse_batch, std::move(raw)));
    }
    while (!window.empty() && (at_end || window.size() >= workers)) {
      auto parsed = window.front().get();
      window.pop_front();
      consume(parsed);
      if (!at_end) break;
    }
    if (at_end && window.empty()) return;
  }
}

}  // namespace ledger::producer::detail
