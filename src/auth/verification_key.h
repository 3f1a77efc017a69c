#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/token_error.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace pushwire::auth {

// The key tokens are checked with: an HMAC secret (HS256/384/512) or a PEM
// public key, whose type decides the algorithms it accepts (RSA: RS256/384/512
// and PS256/384/512; EC P-256: ES256; EC P-384: ES384; Ed25519: EdDSA). A
// token whose "alg" is outside the key's family is refused before any
// cryptography, which rules out "none" and HMAC-with-the-public-key confusion.
// Every check is done by OpenSSL's EVP interface.
class VerificationKey {
 public:
  static VerificationKey from_secret(std::string secret);
  // nullopt and `error` set when the PEM is not a public key of a supported type.
  static std::optional<VerificationKey> from_public_pem(std::string_view pem, std::string& error);

  VerificationKey(VerificationKey&&) noexcept;
  VerificationKey& operator=(VerificationKey&&) noexcept;
  ~VerificationKey();

  bool accepts_algorithm(std::string_view alg) const;
  // Whether `signature` is the signature of `signing_input` under `alg`;
  // bad_algorithm when the key does not take `alg`.
  std::optional<TokenError> verify(std::string_view alg, std::string_view signing_input,
                                   std::string_view signature) const;
  std::string_view family() const;  // for the log: "HMAC", "RSA", "EC P-256", "EC P-384", "Ed25519"

 private:
  enum class Family { hmac, rsa, ec_p256, ec_p384, ed25519 };
  VerificationKey(Family family, std::string secret, EVP_PKEY* key);

  Family family_;
  std::string secret_;      // HMAC only
  EVP_PKEY* key_ = nullptr;  // public-key families only
};

}  // namespace pushwire::auth
