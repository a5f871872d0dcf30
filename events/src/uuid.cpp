// UUIDv7 (RFC 9562, "method 3"-style monotonicity): 48-bit Unix milliseconds, version 7, then 74
// bits that start random in each new millisecond and count up within the same one.
#include "ledger/events/uuid.hpp"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>

namespace ledger::events {
namespace {

using U128 = unsigned __int128;
constexpr int kRandomBits = 74;  // 12 bits rand_a + 62 bits rand_b
constexpr U128 kRandomMask = (static_cast<U128>(1) << kRandomBits) - 1;

std::uint64_t now_unix_ms() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

// 74 random bits with the highest cleared, leaving room to count up within a millisecond.
U128 fresh_random() {
  std::array<unsigned char, 10> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("make_uuid_v7: OpenSSL RAND_bytes failed");
  }
  U128 value = 0;
  for (unsigned char b : bytes) value = (value << 8) | b;
  return value & (kRandomMask >> 1);
}

struct State {
  std::mutex mutex;
  std::uint64_t last_ms = 0;
  U128 last_random = 0;
};

State& state() {
  static State instance;
  return instance;
}

// The (milliseconds, random) pair of the next id: strictly greater than the previous one made
// by this process, even when the clock stands still or steps back.
std::pair<std::uint64_t, U128> next_pair() {
  const std::uint64_t now_ms = now_unix_ms();
  const U128 random = fresh_random();
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (now_ms > s.last_ms) {
    s.last_ms = now_ms;
    s.last_random = random;
  } else if (s.last_random < kRandomMask) {
    ++s.last_random;
  } else {  // 2^73 ids in one millisecond: borrow the next one
    ++s.last_ms;
    s.last_random = random;
  }
  return {s.last_ms, s.last_random};
}

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

std::string make_uuid_v7() {
  const auto [unix_ms, random] = next_pair();
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 6; ++i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(unix_ms >> (8 * (5 - i)));
  }
  const auto rand_a = static_cast<std::uint16_t>(random >> 62);  // 12 bits
  const auto rand_b = static_cast<std::uint64_t>(random) & ((std::uint64_t{1} << 62) - 1);
  bytes[6] = static_cast<std::uint8_t>(0x70 | (rand_a >> 8));
  bytes[7] = static_cast<std::uint8_t>(rand_a & 0xff);
  bytes[8] = static_cast<std::uint8_t>(0x80 | (rand_b >> 56));
  for (int i = 9; i < 16; ++i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(rand_b >> (8 * (15 - i)));
  }
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0x0f]);
  }
  return text;
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace ledger::events
