#include "auth/jwt.h"

#include <cmath>
#include <optional>

#include "auth/base64url.h"
#include "auth/channel_pattern.h"

namespace pushwire::auth {

namespace {
using nlohmann::json;

std::optional<json> decode_json_object(std::string_view part) {
  const auto text = decode_base64url(part);
  if (!text) return std::nullopt;
  json value = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return std::nullopt;
  return value;
}

// A NumericDate (seconds, possibly with a fraction) as milliseconds;
// nullopt when the claim is there but not a number.
std::optional<int64_t> numeric_date_ms(const json& value) {
  if (!value.is_number()) return std::nullopt;
  const double seconds = value.get<double>();
  if (!std::isfinite(seconds)) return std::nullopt;
  constexpr double kLimitS = 9.0e12;  // far past any real date, far from int64 overflow in ms
  return static_cast<int64_t>(std::clamp(seconds, -kLimitS, kLimitS) * 1000);
}

bool read_patterns(const json& claims, const char* name, std::vector<std::string>& out) {
  const auto it = claims.find(name);
  if (it == claims.end()) return true;
  if (!it->is_array()) return false;
  for (const auto& item : *it) {
    if (!item.is_string() || !is_valid_channel_pattern(item.get_ref<const std::string&>())) return false;
    out.push_back(item.get<std::string>());
  }
  return true;
}

bool audience_matches(const json& aud, const std::string& audience) {
  if (aud.is_string()) return aud.get_ref<const std::string&>() == audience;
  if (!aud.is_array()) return false;
  for (const auto& item : aud)
    if (item.is_string() && item.get_ref<const std::string&>() == audience) return true;
  return false;
}
}  // namespace

std::variant<SignedClaims, TokenError> verify_jws(const VerificationKey& key, std::string_view token,
                                                  size_t max_token_bytes) {
  if (token.size() > max_token_bytes) return TokenError::too_large;
  const size_t first_dot = token.find('.');
  const size_t second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos)
    return TokenError::malformed;
  const auto header = decode_json_object(token.substr(0, first_dot));
  const auto signature = decode_base64url(token.substr(second_dot + 1));
  if (!header || !signature) return TokenError::malformed;
  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return TokenError::malformed;
  // RFC 7515 section 4.1.11: extensions marked critical must be understood; none are.
  if (header->contains("crit")) return TokenError::malformed;
  const std::string& name = alg->get_ref<const std::string&>();
  // The algorithm is checked before the claims are even decoded.
  if (!key.accepts_algorithm(name)) return TokenError::bad_algorithm;
  if (auto error = key.verify(name, token.substr(0, second_dot), *signature)) return *error;
  auto claims = decode_json_object(token.substr(first_dot + 1, second_dot - first_dot - 1));
  if (!claims) return TokenError::malformed;
  return SignedClaims{name, std::move(*claims)};
}

std::variant<Grant, TokenError> check_claims(const json& claims, const ClaimRules& rules, int64_t now_ms) {
  const auto exp = claims.find("exp");
  if (exp == claims.end()) return TokenError::expired;
  const auto exp_ms = numeric_date_ms(*exp);
  if (!exp_ms) return TokenError::malformed;
  if (now_ms >= *exp_ms) return TokenError::expired;
  for (const char* name : {"nbf", "iat"}) {
    const auto it = claims.find(name);
    if (it == claims.end()) continue;
    const auto at_ms = numeric_date_ms(*it);
    if (!at_ms) return TokenError::malformed;
    if (*at_ms > now_ms + rules.leeway_ms) return TokenError::not_yet_valid;
  }
  if (!rules.issuer.empty()) {
    const auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string() || iss->get_ref<const std::string&>() != rules.issuer)
      return TokenError::wrong_issuer;
  }
  if (!rules.audience.empty()) {
    const auto aud = claims.find("aud");
    if (aud == claims.end() || !audience_matches(*aud, rules.audience)) return TokenError::wrong_audience;
  }
  Grant grant;
  grant.expires_at_ms = *exp_ms;
  if (const auto sub = claims.find("sub"); sub != claims.end()) {
    if (!sub->is_string()) return TokenError::malformed;
    grant.sub = sub->get<std::string>();
  }
  if (!read_patterns(claims, "subscribe", grant.subscribe) || !read_patterns(claims, "publish", grant.publish))
    return TokenError::malformed;
  return grant;
}

std::variant<Grant, TokenError> JwtVerifier::verify(std::string_view token, int64_t now_ms) const {
  auto signed_claims = verify_jws(key_, token, max_token_bytes_);
  if (const auto* error = std::get_if<TokenError>(&signed_claims)) return *error;
  return check_claims(std::get<SignedClaims>(signed_claims).claims, rules_, now_ms);
}

}  // namespace pushwire::auth
