#include "auth/verification_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <utility>

namespace pushwire::auth {

namespace {
// RFC 7518 section 3.3: RSA keys of 2048 bits or more.
constexpr int kMinRsaBits = 2048;

const EVP_MD* sha_for(std::string_view bits) {
  if (bits == "256") return EVP_sha256();
  if (bits == "384") return EVP_sha384();
  if (bits == "512") return EVP_sha512();
  return nullptr;
}

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

// JWS carries an ECDSA signature as the raw r||s; EVP takes it DER-encoded.
std::optional<std::string> der_from_raw_ecdsa(std::string_view raw, size_t half) {
  if (raw.size() != 2 * half) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes(raw), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw) + half, static_cast<int>(half), nullptr);
  std::optional<std::string> der;
  if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
    r = s = nullptr;  // owned by sig now
    unsigned char* out = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &out);
    if (length > 0) der.emplace(reinterpret_cast<char*>(out), static_cast<size_t>(length));
    OPENSSL_free(out);
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return der;
}

bool evp_verify(EVP_PKEY* key, const EVP_MD* md, bool pss, std::string_view input, std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  bool ok = ctx && EVP_DigestVerifyInit(ctx, &pkey_ctx, md, nullptr, key) == 1;
  if (ok && pss)
    ok = EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  ok = ok && EVP_DigestVerify(ctx, bytes(signature), signature.size(), bytes(input), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

std::string group_name(EVP_PKEY* key) {
  char name[64] = {};
  size_t length = 0;
  if (EVP_PKEY_get_group_name(key, name, sizeof name, &length) != 1) return {};
  return std::string(name, length);
}
}  // namespace

VerificationKey::VerificationKey(Family family, std::string secret, EVP_PKEY* key)
    : family_(family), secret_(std::move(secret)), key_(key) {}

VerificationKey::VerificationKey(VerificationKey&& other) noexcept
    : family_(other.family_), secret_(std::move(other.secret_)), key_(std::exchange(other.key_, nullptr)) {}

VerificationKey& VerificationKey::operator=(VerificationKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(key_);
    family_ = other.family_;
    secret_ = std::move(other.secret_);
    key_ = std::exchange(other.key_, nullptr);
  }
  return *this;
}

VerificationKey::~VerificationKey() {
  EVP_PKEY_free(key_);
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

VerificationKey VerificationKey::from_secret(std::string secret) {
  return VerificationKey(Family::hmac, std::move(secret), nullptr);
}

std::optional<VerificationKey> VerificationKey::from_public_pem(std::string_view pem, std::string& error) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (!key) {
    error = "it holds no PEM public key (-----BEGIN PUBLIC KEY-----)";
    return std::nullopt;
  }
  std::optional<Family> family;
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (EVP_PKEY_get_bits(key) >= kMinRsaBits) family = Family::rsa;
    else error = "its RSA key is shorter than 2048 bits";
  } else if (EVP_PKEY_is_a(key, "EC")) {
    const std::string group = group_name(key);
    if (group == "prime256v1") family = Family::ec_p256;
    else if (group == "secp384r1") family = Family::ec_p384;
    else error = "its EC key is on curve " + group + "; ES256 (P-256) and ES384 (P-384) are supported";
  } else if (EVP_PKEY_is_a(key, "ED25519")) {
    family = Family::ed25519;
  } else {
    error = "its key type is not one of RSA, EC P-256, EC P-384 or Ed25519";
  }
  if (!family) {
    EVP_PKEY_free(key);
    return std::nullopt;
  }
  return VerificationKey(*family, {}, key);
}

bool VerificationKey::accepts_algorithm(std::string_view alg) const {
  const auto digest_suffix = [&](std::string_view prefix) {
    return alg.size() == prefix.size() + 3 && alg.starts_with(prefix) && sha_for(alg.substr(prefix.size()));
  };
  switch (family_) {
    case Family::hmac: return digest_suffix("HS");
    case Family::rsa: return digest_suffix("RS") || digest_suffix("PS");
    case Family::ec_p256: return alg == "ES256";
    case Family::ec_p384: return alg == "ES384";
    case Family::ed25519: return alg == "EdDSA";
  }
  return false;
}

std::optional<TokenError> VerificationKey::verify(std::string_view alg, std::string_view input,
                                                  std::string_view signature) const {
  if (!accepts_algorithm(alg)) return TokenError::bad_algorithm;
  bool ok = false;
  switch (family_) {
    case Family::hmac: {
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int length = 0;
      ok = HMAC(sha_for(alg.substr(2)), secret_.data(), static_cast<int>(secret_.size()), bytes(input), input.size(),
                mac, &length) != nullptr &&
           signature.size() == length && CRYPTO_memcmp(mac, signature.data(), length) == 0;
      break;
    }
    case Family::rsa:
      ok = evp_verify(key_, sha_for(alg.substr(2)), alg.starts_with("PS"), input, signature);
      break;
    case Family::ec_p256:
    case Family::ec_p384: {
      const size_t half = family_ == Family::ec_p256 ? 32 : 48;
      const auto der = der_from_raw_ecdsa(signature, half);
      ok = der && evp_verify(key_, sha_for(alg.substr(2)), false, input, *der);
      break;
    }
    case Family::ed25519:
      ok = evp_verify(key_, nullptr, false, input, signature);
      break;
  }
  if (ok) return std::nullopt;
  return TokenError::bad_signature;
}

std::string_view VerificationKey::family() const {
  switch (family_) {
    case Family::hmac: return "HMAC";
    case Family::rsa: return "RSA";
    case Family::ec_p256: return "EC P-256";
    case Family::ec_p384: return "EC P-384";
    case Family::ed25519: return "Ed25519";
  }
  return "";
}

}  // namespace pushwire::auth
