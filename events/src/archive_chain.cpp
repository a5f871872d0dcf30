// The archive's hash chain: see archive_chain.hpp for the definition this file implements.
#include "ledger/events/archive_chain.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace ledger::events {
namespace {

template <typename Int>
void append_big_endian(std::string& out, Int value) {
  const auto bits = static_cast<std::uint64_t>(value);
  for (std::size_t i = sizeof(Int); i > 0; --i) {
    out.push_back(static_cast<char>((bits >> (8 * (i - 1))) & 0xffU));
  }
}

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("archive chain: OpenSSL ") + what + " failed");
}

}  // namespace

ChainHash chain_genesis() { return ChainHash{}; }

ChainHash chain_hash(const ChainHash& previous, std::string_view payload, std::string_view topic,
                     std::int32_t partition, std::int64_t offset) {
  std::string lengths_payload;
  append_big_endian(lengths_payload, static_cast<std::uint64_t>(payload.size()));
  std::string coordinates;
  append_big_endian(coordinates, static_cast<std::uint32_t>(topic.size()));
  coordinates.append(topic);
  append_big_endian(coordinates, partition);
  append_big_endian(coordinates, offset);

  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
  if (!ctx) throw std::runtime_error("archive chain: EVP_MD_CTX_new failed");
  check(EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr), "DigestInit");
  check(EVP_DigestUpdate(ctx.get(), previous.data(), previous.size()), "DigestUpdate");
  check(EVP_DigestUpdate(ctx.get(), lengths_payload.data(), lengths_payload.size()),
        "DigestUpdate");
  check(EVP_DigestUpdate(ctx.get(), payload.data(), payload.size()), "DigestUpdate");
  check(EVP_DigestUpdate(ctx.get(), coordinates.data(), coordinates.size()), "DigestUpdate");
  ChainHash out{};
  unsigned int size = 0;
  check(EVP_DigestFinal_ex(ctx.get(), out.data(), &size), "DigestFinal");
  if (size != kChainHashBytes) throw std::runtime_error("archive chain: unexpected digest size");
  return out;
}

std::string chain_hex(const ChainHash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * hash.size());
  for (const unsigned char byte : hash) {
    text.push_back(kDigits[byte >> 4U]);
    text.push_back(kDigits[byte & 0x0fU]);
  }
  return text;
}

bool chain_from_bytes(std::string_view bytes, ChainHash& out) {
  if (bytes.size() != kChainHashBytes) return false;
  for (std::size_t i = 0; i < kChainHashBytes; ++i) out[i] = static_cast<unsigned char>(bytes[i]);
  return true;
}

}  // namespace ledger::events
