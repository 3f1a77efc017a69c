#include "auth/access.h"

#include "auth/channel_pattern.h"
#include "auth/secret_compare.h"

namespace pushwire::auth {

namespace {
Decision allow(int64_t expires_at_ms = 0, std::string sub = {}) {
  return Decision{0, Refusal::token_missing, {}, expires_at_ms, std::move(sub)};
}

Decision refuse(int status, Refusal reason, std::string message) {
  return Decision{status, reason, std::move(message), 0, {}};
}
}  // namespace

Access::Access(std::shared_ptr<const JwtVerifier> verifier, std::string publish_key,
               std::vector<std::string> public_channels)
    : verifier_(std::move(verifier)),
      publish_key_(std::move(publish_key)),
      public_channels_(std::move(public_channels)) {}

Credentials Access::present(std::string_view token, std::string_view key, int64_t now_ms) const {
  if (!token.empty() && !publish_key_.empty() && secret_equals(token, publish_key_)) std::swap(token, key);
  Credentials credentials;
  credentials.publish_key = !key.empty() && !publish_key_.empty() && secret_equals(key, publish_key_);
  if (!token.empty() && verifier_) {
    auto verified = verifier_->verify(token, now_ms);
    if (auto* grant = std::get_if<Grant>(&verified)) credentials.grant = std::move(*grant);
    else credentials.token_error = std::get<TokenError>(verified);
  }
  return credentials;
}

Decision Access::may_subscribe(const Credentials& credentials, std::string_view channel, int64_t now_ms) const {
  if (!verifier_ || any_pattern_matches(public_channels_, channel)) return allow();
  return check_grant(credentials, channel, now_ms, &Grant::subscribe, "subscribe to");
}

Decision Access::may_publish(const Credentials& credentials, std::string_view channel, int64_t now_ms) const {
  if (credentials.publish_key || (!verifier_ && publish_key_.empty())) return allow();
  if (!verifier_)
    return refuse(401, Refusal::publish_key_wrong, "publishing needs the header Authorization: Bearer <publish key>");
  return check_grant(credentials, channel, now_ms, &Grant::publish, "publish on");
}

Decision Access::check_grant(const Credentials& credentials, std::string_view channel, int64_t now_ms,
                             const std::vector<std::string> Grant::*patterns, std::string_view action) const {
  if (credentials.token_error)
    return refuse(401, refusal_for(*credentials.token_error),
                  std::string(token_error_message(*credentials.token_error)));
  if (!credentials.grant)
    return refuse(401, Refusal::token_missing,
                  "a token is needed: Authorization: Bearer <token> or ?token=<token>" +
                      std::string(publish_key_.empty() || action != "publish on" ? "" : ", or the publish key"));
  const Grant& grant = *credentials.grant;
  // A WebSocket keeps its grant; it may have run out since it was checked.
  if (now_ms >= grant.expires_at_ms)
    return refuse(401, Refusal::token_expired, std::string(token_error_message(TokenError::expired)));
  if (!any_pattern_matches(grant.*patterns, channel))
    return refuse(403, Refusal::forbidden, "the token does not allow to " + std::string(action) + " " + std::string(channel));
  return allow(grant.expires_at_ms, grant.sub);
}

}  // namespace pushwire::auth
