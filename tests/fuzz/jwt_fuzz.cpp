// Feeds arbitrary bytes to the token verifier twice: as a token as is (it
// must be refused or taken, never crash), and with a valid HMAC signature
// appended to them, so that the header and claims checks behind the
// signature are reached too. A grant it returns must be self-consistent.
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/jwt.h"

namespace {
using namespace pushwire::auth;

constexpr std::string_view kSecret = "fuzz-secret";
constexpr int64_t kNowMs = 1'800'000'000'000;

std::string base64url(const unsigned char* bytes, size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (size_t i = 0; i < size; ++i) {
    bits = (bits << 8) | bytes[i];
    count += 8;
    while (count >= 6) out += kAlphabet[(bits >> (count -= 6)) & 63];
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 63];
  return out;
}

void check(const JwtVerifier& verifier, std::string_view token) {
  auto result = verifier.verify(token, kNowMs);
  if (const auto* grant = std::get_if<Grant>(&result))
    if (grant->expires_at_ms <= kNowMs) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const JwtVerifier verifier(VerificationKey::from_secret(std::string(kSecret)),
                                    ClaimRules{"issuer", "audience", 60'000}, kDefaultMaxTokenBytes);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(verifier, text);

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()), data, size, mac, &length);
  check(verifier, std::string(text) + "." + base64url(mac, length));
  return 0;
}
