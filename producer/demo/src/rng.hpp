// Internal: deterministic random draws and ids for the demo simulator.
// std::mt19937_64's output is fixed by the C++ standard; the standard distributions are not,
// so bounded draws are made here to keep a seed's stream equal on every platform.
// Not thread-safe: one owner.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace ledger::producer::demo {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t bits() { return engine_(); }
  // A draw in [lo, hi]. REQUIRES: lo <= hi. (The modulo bias is below 2^-40 for our ranges.)
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    const auto width = static_cast<std::uint64_t>(hi - lo) + 1U;
    return lo + static_cast<std::int64_t>(engine_() % width);
  }
  // True with probability percent/100.
  bool percent(std::int64_t percent) { return between(0, 99) < percent; }
  std::size_t index(std::size_t size) { return static_cast<std::size_t>(engine_() % size); }

 private:
  std::mt19937_64 engine_;
};

// A seed for the id stream: `seed` mixed with the bytes of `salt` (FNV-1a, then splitmix64).
std::uint64_t mix_seed(std::uint64_t seed, std::string_view salt);

// A UUID in canonical lowercase form (version 4 layout) made from two draws of `rng`.
std::string uuid_from(Rng& rng);

}  // namespace ledger::producer::demo
