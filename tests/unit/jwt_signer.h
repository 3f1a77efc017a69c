#pragma once
// Signs test tokens with keys made here by OpenSSL, so that every algorithm
// is exercised with a key no test vector happens to share.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace test_jwt {

inline std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) out += kAlphabet[(bits >> (count -= 6)) & 63];
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 63];
  return out;
}

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;

inline Key make_rsa(unsigned bits = 2048) { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{bits})); }
inline Key make_ec(const char* curve) { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve)); }
inline Key make_ed25519() { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")); }

inline std::string public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  return pem;
}

inline const EVP_MD* digest(std::string_view alg) {
  if (alg.ends_with("256")) return EVP_sha256();
  if (alg.ends_with("384")) return EVP_sha384();
  if (alg.ends_with("512")) return EVP_sha512();
  return nullptr;
}

inline std::string evp_sign(EVP_PKEY* key, std::string_view alg, std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx, &pctx, alg == "EdDSA" ? nullptr : digest(alg), nullptr, key);
  if (alg.starts_with("PS")) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t length = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx, nullptr, &length, in, input.size());
  std::string signature(length, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length, in, input.size());
  signature.resize(length);
  EVP_MD_CTX_free(ctx);
  if (!alg.starts_with("ES")) return signature;
  // DER to the raw r||s of JWS.
  const size_t half = alg == "ES256" ? 32 : 48;
  const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
  std::string raw(2 * half, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(half));
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + half, static_cast<int>(half));
  ECDSA_SIG_free(sig);
  return raw;
}

inline std::string hmac_sign(std::string_view secret, std::string_view alg, std::string_view input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(digest(alg), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return std::string(reinterpret_cast<char*>(mac), length);
}

inline std::string signing_input(std::string_view header_json, std::string_view claims_json) {
  return base64url(header_json) + "." + base64url(claims_json);
}

inline std::string header_for(std::string_view alg) { return R"({"alg":")" + std::string(alg) + R"(","typ":"JWT"})"; }

inline std::string sign(EVP_PKEY* key, std::string_view alg, std::string_view claims_json) {
  const std::string input = signing_input(header_for(alg), claims_json);
  return input + "." + base64url(evp_sign(key, alg, input));
}

inline std::string sign_hmac(std::string_view secret, std::string_view alg, std::string_view claims_json,
                             std::string_view header_json = {}) {
  const std::string input = signing_input(header_json.empty() ? header_for(alg) : std::string(header_json), claims_json);
  return input + "." + base64url(hmac_sign(secret, alg, input));
}

}  // namespace test_jwt
