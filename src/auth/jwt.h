#pragma once
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "auth/grant.h"
#include "auth/token_error.h"
#include "auth/verification_key.h"

namespace pushwire::auth {

// What a token must satisfy besides its signature.
struct ClaimRules {
  std::string issuer;    // empty: "iss" is not checked
  std::string audience;  // empty: "aud" is not checked
  int64_t leeway_ms = 60'000;  // for "nbf" and "iat"; "exp" is kept to the second
};

inline constexpr size_t kDefaultMaxTokenBytes = 8192;

// A compact JWS whose signature verified: its algorithm and its claims, a
// JSON object not yet checked.
struct SignedClaims {
  std::string alg;
  nlohmann::json claims;
};

// Step one: the shape (three base64url parts, JSON object header with "alg"
// and no "crit", JSON object claims) and the signature under `key`.
std::variant<SignedClaims, TokenError> verify_jws(const VerificationKey& key, std::string_view token,
                                                  size_t max_token_bytes);

// Step two: "exp" (required), "nbf", "iat", "iss", "aud", and the grant's
// own claims "sub", "subscribe" and "publish".
std::variant<Grant, TokenError> check_claims(const nlohmann::json& claims, const ClaimRules& rules, int64_t now_ms);

// Both steps: what access control calls for every token presented.
class JwtVerifier {
 public:
  JwtVerifier(VerificationKey key, ClaimRules rules, size_t max_token_bytes)
      : key_(std::move(key)), rules_(std::move(rules)), max_token_bytes_(max_token_bytes) {}

  std::variant<Grant, TokenError> verify(std::string_view token, int64_t now_ms) const;
  const VerificationKey& key() const { return key_; }

 private:
  VerificationKey key_;
  ClaimRules rules_;
  size_t max_token_bytes_;
};

}  // namespace pushwire::auth
