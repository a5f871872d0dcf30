// archive_chain: the hash against vectors computed outside this code base. The input bytes were
// assembled by hand per the definition in archive_chain.hpp and hashed with
// `openssl dgst -sha256` (OpenSSL 3, command line), e.g. for the first vector:
//   00..00 (32) | 0000000000000005 "hello" | 0000000d "ledger.events" | 00000003 000000000000002a
//   SHA2-256(chain1.bin)= 3e3fdb88fc9e26063a8ebc6cddc4dc476ac3320d67389d33f886bd1dff8569c3
#include "ledger/events/archive_chain.hpp"

#include <gtest/gtest.h>

namespace ledger::events {
namespace {

TEST(ArchiveChain, FirstRowMatchesOpensslCommandLine) {
  const ChainHash hash = chain_hash(chain_genesis(), "hello", "ledger.events", 3, 42);
  EXPECT_EQ(chain_hex(hash), "3e3fdb88fc9e26063a8ebc6cddc4dc476ac3320d67389d33f886bd1dff8569c3");
}

TEST(ArchiveChain, ChainedEmptyPayloadMatchesOpensslCommandLine) {
  const ChainHash first = chain_hash(chain_genesis(), "hello", "ledger.events", 3, 42);
  const ChainHash second = chain_hash(first, "", "t", 0, 43);
  EXPECT_EQ(chain_hex(second), "3b6376df89ac4ae2d971d3c16266ade0cea30df188572ca3a73e7343e6d0a2c6");
}

TEST(ArchiveChain, EveryInputChangesTheHash) {
  const ChainHash base = chain_hash(chain_genesis(), "abc", "topic", 1, 7);
  EXPECT_NE(base, chain_hash(chain_genesis(), "abd", "topic", 1, 7));
  EXPECT_NE(base, chain_hash(chain_genesis(), "abc", "topic2", 1, 7));
  EXPECT_NE(base, chain_hash(chain_genesis(), "abc", "topic", 2, 7));
  EXPECT_NE(base, chain_hash(chain_genesis(), "abc", "topic", 1, 8));
  EXPECT_NE(base, chain_hash(base, "abc", "topic", 1, 7));
}

TEST(ArchiveChain, BytesRoundTrip) {
  const ChainHash hash = chain_hash(chain_genesis(), "x", "t", 0, 0);
  ChainHash back{};
  ASSERT_TRUE(chain_from_bytes(
      std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()), back));
  EXPECT_EQ(back, hash);
  EXPECT_FALSE(chain_from_bytes("short", back));
}

}  // namespace
}  // namespace ledger::events
