// Feeds arbitrary bytes to the token verifier twice: as a token as is (it
// must be refused or taken, never crash), and with a valid HMAC signature
// appended to them, so that the header and claims checks behind the
// signature are reached too. A grant it returns must be self-consistent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../unit/jwt_signer.h"
#include "auth/jwt.h"

namespace {
using namespace pushwire::auth;

constexpr std::string_view kSecret = "fuzz-secret";
constexpr int64_t kNowMs = 1'800'000'000'000;

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
  check(verifier, std::string(text) + "." + test_jwt::base64url(test_jwt::hmac_sign(kSecret, "HS256", text)));
  return 0;
}
