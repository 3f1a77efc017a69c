#include <gtest/gtest.h>

#include "auth/base64url.h"
#include "auth/jwt.h"
#include "jwt_signer.h"

using namespace pushwire::auth;

namespace {
// The RFC examples, line breaks removed.
constexpr std::string_view kRfc7515A1Key =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
constexpr std::string_view kRfc7515A1Token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvb"
    "S9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kRfc7515A2Token =
    "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dn"
    "ZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwus"
    "C-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
// The RSA public key of A.2 (its JWK n and e) as SubjectPublicKeyInfo.
constexpr std::string_view kRfc7515A2Pem = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAofgWCuLjybRlzo0tZWJj
NiuSfb4p4fAkd/wWJcyQoTbji9k0l8W26mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEz
P1Pt0Bm4d4QlL+yRT+SFd2lZS+pCgNMsD1W/YpRPEwOWvG6b32690r2jZ47soMZo
9wGzjb/7OMg0LOL+bSf63kpaSHSXndS5z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTB
EMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxX
FvUK+DWNmoudF8NAco9/h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXp
oQIDAQAB
-----END PUBLIC KEY-----
)";
constexpr std::string_view kRfc7515A3Token =
    "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
constexpr std::string_view kRfc7515A3Pem = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7
6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==
-----END PUBLIC KEY-----
)";
constexpr std::string_view kRfc7515A4Token =
    "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7X"
    "dtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";
// The P-521 key of A.4 (its JWK x and y) as SubjectPublicKeyInfo.
constexpr std::string_view kRfc7515A4Pem = R"(-----BEGIN PUBLIC KEY-----
MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQB6SkFDxJPxrxVx9U5M2Xfne9KsMIs
sleY+TTrBOPGuuNwGlenkQ6dgb82MVno68sVXWNJ9L22zPipTFxZx6rBAaQANKZE
DjdnUNI3H9G9wsjztx0vTuXqNDLIFcyjFWD+XZOH7HdLVYOGMOXLv1qMvgqR3QBk
xpmaH25uZ/rd7eTIyPY=
-----END PUBLIC KEY-----
)";
constexpr std::string_view kRfc8037A4Token =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylG"
    "jg5BhVsPt9g7sVvpAr_MuM0KAg";
constexpr std::string_view kRfc8037Pem = R"(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
-----END PUBLIC KEY-----
)";
constexpr size_t kCap = kDefaultMaxTokenBytes;
constexpr int64_t kNowMs = 1'800'000'000'000;

VerificationKey pem_key(std::string_view pem) {
  std::string error;
  auto key = VerificationKey::from_public_pem(pem, error);
  EXPECT_TRUE(key) << error;
  return std::move(*key);
}

std::optional<TokenError> jws_error(const VerificationKey& key, std::string_view token) {
  auto result = verify_jws(key, token, kCap);
  if (auto* error = std::get_if<TokenError>(&result)) return *error;
  return std::nullopt;
}

// The token with one character of its signing input changed.
std::string tampered(std::string token) {
  const size_t at = token.find('.') + 2;
  token[at] = token[at] == 'A' ? 'B' : 'A';
  return token;
}

std::string rfc_a1_secret() { return *decode_base64url(kRfc7515A1Key); }

std::string claims_until(int64_t exp_s, std::string_view more = {}) {
  return R"({"sub":"u42","exp":)" + std::to_string(exp_s) + std::string(more) +
         R"(,"subscribe":["news","user.u42.*"],"publish":["chat.*"]})";
}
const int64_t kLater = kNowMs / 1000 + 3600;
}  // namespace

TEST(JwtRfcVectors, Rfc7515A1Hs256) {
  const auto key = VerificationKey::from_secret(rfc_a1_secret());
  auto result = verify_jws(key, kRfc7515A1Token, kCap);
  ASSERT_TRUE(std::holds_alternative<SignedClaims>(result));
  EXPECT_EQ(std::get<SignedClaims>(result).alg, "HS256");
  EXPECT_EQ(std::get<SignedClaims>(result).claims["iss"], "joe");
  EXPECT_EQ(jws_error(key, tampered(std::string(kRfc7515A1Token))), TokenError::bad_signature);
  EXPECT_EQ(jws_error(VerificationKey::from_secret("another secret"), kRfc7515A1Token), TokenError::bad_signature);
}

TEST(JwtRfcVectors, Rfc7515A2Rs256) {
  const auto key = pem_key(kRfc7515A2Pem);
  EXPECT_EQ(jws_error(key, kRfc7515A2Token), std::nullopt);
  EXPECT_EQ(jws_error(key, tampered(std::string(kRfc7515A2Token))), TokenError::bad_signature);
}

TEST(JwtRfcVectors, Rfc7515A3Es256) {
  const auto key = pem_key(kRfc7515A3Pem);
  EXPECT_EQ(jws_error(key, kRfc7515A3Token), std::nullopt);
  EXPECT_EQ(jws_error(key, tampered(std::string(kRfc7515A3Token))), TokenError::bad_signature);
}

TEST(JwtRfcVectors, Rfc7515A4Es512IsRefusedCleanly) {
  std::string error;
  EXPECT_FALSE(VerificationKey::from_public_pem(kRfc7515A4Pem, error));
  EXPECT_NE(error.find("secp521r1"), std::string::npos) << error;
  EXPECT_EQ(jws_error(pem_key(kRfc7515A3Pem), kRfc7515A4Token), TokenError::bad_algorithm);
}

TEST(JwtRfcVectors, Rfc8037A4Ed25519) {
  const auto key = pem_key(kRfc8037Pem);
  // The payload is text, not claims: the signature verifies, the claims do not parse.
  EXPECT_EQ(key.verify("EdDSA", kRfc8037A4Token.substr(0, kRfc8037A4Token.rfind('.')),
                       *decode_base64url(kRfc8037A4Token.substr(kRfc8037A4Token.rfind('.') + 1))),
            std::nullopt);
  EXPECT_EQ(jws_error(key, kRfc8037A4Token), TokenError::malformed);
  EXPECT_EQ(jws_error(key, tampered(std::string(kRfc8037A4Token))), TokenError::bad_signature);
}

TEST(JwtRfcVectors, EachKeyRefusesTheOtherFamilies) {
  const auto rsa = pem_key(kRfc7515A2Pem);
  const auto ec = pem_key(kRfc7515A3Pem);
  const auto ed = pem_key(kRfc8037Pem);
  EXPECT_EQ(jws_error(rsa, kRfc7515A3Token), TokenError::bad_algorithm);
  EXPECT_EQ(jws_error(rsa, kRfc8037A4Token), TokenError::bad_algorithm);
  EXPECT_EQ(jws_error(ec, kRfc7515A2Token), TokenError::bad_algorithm);
  EXPECT_EQ(jws_error(ed, kRfc7515A3Token), TokenError::bad_algorithm);
  // Algorithm confusion: an HMAC token while a public key is configured.
  EXPECT_EQ(jws_error(rsa, kRfc7515A1Token), TokenError::bad_algorithm);
  EXPECT_EQ(jws_error(ec, kRfc7515A1Token), TokenError::bad_algorithm);
  EXPECT_EQ(jws_error(VerificationKey::from_secret(rfc_a1_secret()), kRfc7515A2Token), TokenError::bad_algorithm);
}

TEST(JwtOwnKeys, EveryAlgorithmVerifiesAndDetectsTampering) {
  struct Case {
    const char* alg;
    test_jwt::Key key;
  };
  Case cases[] = {{"RS256", test_jwt::make_rsa()}, {"RS384", test_jwt::make_rsa()}, {"RS512", test_jwt::make_rsa()},
                  {"PS256", test_jwt::make_rsa()}, {"PS384", test_jwt::make_rsa()}, {"PS512", test_jwt::make_rsa()},
                  {"ES256", test_jwt::make_ec("P-256")}, {"ES384", test_jwt::make_ec("P-384")},
                  {"EdDSA", test_jwt::make_ed25519()}};
  for (auto& c : cases) {
    SCOPED_TRACE(c.alg);
    const auto key = pem_key(test_jwt::public_pem(c.key.get()));
    const std::string token = test_jwt::sign(c.key.get(), c.alg, claims_until(kLater));
    JwtVerifier verifier(pem_key(test_jwt::public_pem(c.key.get())), {}, kCap);
    auto result = verifier.verify(token, kNowMs);
    ASSERT_TRUE(std::holds_alternative<Grant>(result));
    EXPECT_EQ(std::get<Grant>(result).sub, "u42");
    EXPECT_EQ(jws_error(key, tampered(token)), TokenError::bad_signature);
    // Another key of the same kind does not verify it.
    const auto other = std::string_view(c.alg).starts_with("ES256") ? test_jwt::make_ec("P-256")
                       : std::string_view(c.alg) == "ES384"          ? test_jwt::make_ec("P-384")
                       : std::string_view(c.alg) == "EdDSA"          ? test_jwt::make_ed25519()
                                                                     : test_jwt::make_rsa();
    EXPECT_EQ(jws_error(pem_key(test_jwt::public_pem(other.get())), token), TokenError::bad_signature);
  }
  for (const char* alg : {"HS256", "HS384", "HS512"}) {
    const auto key = VerificationKey::from_secret("s3cret");
    const std::string token = test_jwt::sign_hmac("s3cret", alg, claims_until(kLater));
    EXPECT_EQ(jws_error(key, token), std::nullopt) << alg;
    EXPECT_EQ(jws_error(key, tampered(token)), TokenError::bad_signature) << alg;
  }
}

TEST(JwtOwnKeys, PkcsAndPssAreNotInterchangeable) {
  const auto rsa = test_jwt::make_rsa();
  const std::string pkcs = test_jwt::sign(rsa.get(), "RS256", claims_until(kLater));
  // The same signature under a header that claims PS256.
  const std::string input = test_jwt::signing_input(test_jwt::header_for("PS256"), claims_until(kLater));
  const std::string forged = input + pkcs.substr(pkcs.rfind('.'));
  EXPECT_EQ(jws_error(pem_key(test_jwt::public_pem(rsa.get())), forged), TokenError::bad_signature);
}

TEST(JwtOwnKeys, ShortRsaKeysAndNonKeysAreRefusedAtLoad) {
  std::string error;
  EXPECT_FALSE(VerificationKey::from_public_pem(test_jwt::public_pem(test_jwt::make_rsa(1024).get()), error));
  EXPECT_NE(error.find("2048"), std::string::npos);
  EXPECT_FALSE(VerificationKey::from_public_pem("not a key", error));
  EXPECT_FALSE(VerificationKey::from_public_pem("", error));
}

TEST(JwtRefusals, NoneAndUnknownAlgorithms) {
  const auto key = VerificationKey::from_secret("s3cret");
  const std::string claims = test_jwt::base64url(claims_until(kLater));
  EXPECT_EQ(jws_error(key, test_jwt::base64url(R"({"alg":"none"})") + "." + claims + "."), TokenError::bad_algorithm);
  EXPECT_EQ(jws_error(key, test_jwt::base64url(R"({"alg":"HS1"})") + "." + claims + ".AAAA"),
            TokenError::bad_algorithm);
  EXPECT_EQ(jws_error(key, test_jwt::base64url(R"({"alg":"hs256"})") + "." + claims + ".AAAA"),
            TokenError::bad_algorithm);
  EXPECT_EQ(jws_error(key, test_jwt::base64url(R"({"typ":"JWT"})") + "." + claims + ".AAAA"), TokenError::malformed);
  EXPECT_EQ(jws_error(key, test_jwt::base64url(R"({"alg":256})") + "." + claims + ".AAAA"), TokenError::malformed);
  EXPECT_EQ(jws_error(key, test_jwt::sign_hmac("s3cret", "HS256", claims_until(kLater),
                                               R"({"alg":"HS256","crit":["exp"]})")),
            TokenError::malformed);
}

TEST(JwtRefusals, MalformedShapes) {
  const auto key = VerificationKey::from_secret("s3cret");
  const std::string good = test_jwt::sign_hmac("s3cret", "HS256", claims_until(kLater));
  EXPECT_EQ(jws_error(key, good), std::nullopt);
  EXPECT_EQ(jws_error(key, ""), TokenError::malformed);
  EXPECT_EQ(jws_error(key, good.substr(0, good.rfind('.'))), TokenError::malformed);  // two parts
  EXPECT_EQ(jws_error(key, good + ".x"), TokenError::malformed);                      // four parts
  // A truncated signature: 40 characters decode cleanly, 42 leave stray bits.
  EXPECT_EQ(jws_error(key, good.substr(0, good.size() - 3)), TokenError::bad_signature);
  EXPECT_NE(jws_error(key, good.substr(0, good.size() - 1)), std::nullopt);
  EXPECT_EQ(jws_error(key, good.substr(0, good.find('.') + 5)), TokenError::malformed);  // cut inside the claims
  std::string padded = good;
  padded.insert(padded.find('.'), "=");
  EXPECT_EQ(jws_error(key, padded), TokenError::malformed);
  std::string plus = good;
  plus[plus.size() - 1] = '+';
  EXPECT_EQ(jws_error(key, plus), TokenError::malformed);
  const std::string not_json = test_jwt::sign_hmac("s3cret", "HS256", "[1,2]");
  EXPECT_EQ(jws_error(key, not_json), TokenError::malformed);
  const std::string garbage = test_jwt::sign_hmac("s3cret", "HS256", "{\"exp\":");
  EXPECT_EQ(jws_error(key, garbage), TokenError::malformed);
}

TEST(JwtRefusals, HugeTokensBeforeAnyParsing) {
  const auto key = VerificationKey::from_secret("s3cret");
  const std::string big = test_jwt::sign_hmac("s3cret", "HS256", claims_until(kLater, ",\"pad\":\"" +
                                                                                          std::string(9000, 'x') + "\""));
  EXPECT_EQ(jws_error(key, big), TokenError::too_large);
  EXPECT_TRUE(std::holds_alternative<SignedClaims>(verify_jws(key, big, big.size())));
}

TEST(JwtClaims, ExpiryAndNotBefore) {
  const ClaimRules rules;
  const auto check = [&](std::string_view claims) -> std::optional<TokenError> {
    auto result = check_claims(nlohmann::json::parse(claims), rules, kNowMs);
    if (auto* error = std::get_if<TokenError>(&result)) return *error;
    return std::nullopt;
  };
  const int64_t now = kNowMs / 1000;
  EXPECT_EQ(check(claims_until(now + 10)), std::nullopt);
  EXPECT_EQ(check(claims_until(now)), TokenError::expired);
  EXPECT_EQ(check(claims_until(now - 1)), TokenError::expired);
  EXPECT_EQ(check(R"({"sub":"u42"})"), TokenError::expired);  // exp is required
  EXPECT_EQ(check(R"({"exp":"tomorrow"})"), TokenError::malformed);
  EXPECT_EQ(check(claims_until(now + 10, ",\"nbf\":" + std::to_string(now + 30))), std::nullopt);  // within leeway
  EXPECT_EQ(check(claims_until(now + 10, ",\"nbf\":" + std::to_string(now + 61))), TokenError::not_yet_valid);
  EXPECT_EQ(check(claims_until(now + 10, ",\"iat\":" + std::to_string(now + 59))), std::nullopt);
  EXPECT_EQ(check(claims_until(now + 10, ",\"iat\":" + std::to_string(now + 120))), TokenError::not_yet_valid);
  EXPECT_EQ(check(R"({"exp":1e300})"), std::nullopt);
}

TEST(JwtClaims, IssuerAndAudience) {
  ClaimRules rules;
  rules.issuer = "https://auth.example";
  rules.audience = "pushwire";
  const auto check = [&](std::string_view more) -> std::optional<TokenError> {
    auto result = check_claims(nlohmann::json::parse(claims_until(kLater, more)), rules, kNowMs);
    if (auto* error = std::get_if<TokenError>(&result)) return *error;
    return std::nullopt;
  };
  EXPECT_EQ(check(R"(,"iss":"https://auth.example","aud":"pushwire")"), std::nullopt);
  EXPECT_EQ(check(R"(,"iss":"https://auth.example","aud":["other","pushwire"])"), std::nullopt);
  EXPECT_EQ(check(R"(,"iss":"https://evil.example","aud":"pushwire")"), TokenError::wrong_issuer);
  EXPECT_EQ(check(R"(,"aud":"pushwire")"), TokenError::wrong_issuer);  // missing
  EXPECT_EQ(check(R"(,"iss":"https://auth.example","aud":"other")"), TokenError::wrong_audience);
  EXPECT_EQ(check(R"(,"iss":"https://auth.example","aud":["other"])"), TokenError::wrong_audience);
  EXPECT_EQ(check(R"(,"iss":"https://auth.example")"), TokenError::wrong_audience);  // missing
}

TEST(JwtClaims, GrantPatterns) {
  const auto grant_of = [](std::string_view claims) { return check_claims(nlohmann::json::parse(claims), {}, kNowMs); };
  auto good = grant_of(claims_until(kLater));
  ASSERT_TRUE(std::holds_alternative<Grant>(good));
  EXPECT_EQ(std::get<Grant>(good).expires_at_ms, kLater * 1000);
  EXPECT_EQ(std::get<Grant>(good).subscribe, (std::vector<std::string>{"news", "user.u42.*"}));
  EXPECT_EQ(std::get<Grant>(good).publish, (std::vector<std::string>{"chat.*"}));
  const std::string exp = std::to_string(kLater);
  EXPECT_TRUE(std::holds_alternative<Grant>(grant_of(R"({"exp":)" + exp + "}")));
  EXPECT_TRUE(std::holds_alternative<Grant>(grant_of(R"({"exp":)" + exp + R"(,"subscribe":["*"]})")));
  for (std::string_view bad : {R"(,"subscribe":"news")", R"(,"subscribe":[1])", R"(,"publish":["a b"])",
                               R"(,"publish":["*a"])", R"(,"sub":42)"})
    EXPECT_EQ(std::get<TokenError>(grant_of(R"({"exp":)" + exp + std::string(bad) + "}")), TokenError::malformed)
        << bad;
}
