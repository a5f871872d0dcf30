// Internal: reads text lines of bounded length from a FILE (a file or stdin), for JSON Lines.
// A line ends at '\n'; a trailing '\r' is dropped. A line longer than line_bytes_max is cut at
// the bound and flagged, and the rest of it is skipped, so memory stays bounded whatever the
// input. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace ledger::producer::detail {

class LineReader {
 public:
  // REQUIRES: `file` stays open while the reader is used. The reader does not close it.
  LineReader(std::FILE* file, std::size_t line_bytes_max);

  // Reads the next line into `line`. Returns false at the end of input (or a read error, see
  // error()). `too_long` tells whether the line was cut.
  bool next(std::string& line, bool& too_long);
  // The number of the line last returned (1-based).
  std::uint64_t line_number() const { return line_number_; }
  // errno text of a read error that ended the input, empty if none.
  const std::string& error() const { return error_; }

 private:
  bool fill();

  std::FILE* file_;
  std::size_t line_bytes_max_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::uint64_t line_number_ = 0;
  std::string error_;
};

}  // namespace ledger::producer::detail
