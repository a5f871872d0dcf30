#include "line_reader.hpp"

#include <cerrno>
#include <cstring>

namespace ledger::producer::detail {
namespace {
constexpr std::size_t kReadChunkBytes = 1 << 16;
}

LineReader::LineReader(std::FILE* file, std::size_t line_bytes_max)
    : file_(file), line_bytes_max_(line_bytes_max), buffer_(kReadChunkBytes) {}

bool LineReader::fill() {
  if (eof_) return false;
  begin_ = 0;
  end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
  if (end_ == 0) {
    eof_ = true;
    if (std::ferror(file_) != 0) error_ = std::strerror(errno);
    return false;
  }
  return true;
}

bool LineReader::next(std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  bool any = false;  // saw at least one byte or the newline of this line
  for (;;) {
    if (begin_ == end_ && !fill()) break;
    any = true;
    const char* start = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    const std::size_t count =
        newline == nullptr ? end_ - begin_ : static_cast<std::size_t>(newline - start);
    const std::size_t room = line_bytes_max_ - line.size();
    if (count > room) too_long = true;
    line.append(start, count > room ? room : count);
    begin_ += count;
    if (newline != nullptr) {
      ++begin_;  // consume '\n'
      break;
    }
  }
  if (!any) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++line_number_;
  return true;
}

}  // namespace ledger::producer::detail
