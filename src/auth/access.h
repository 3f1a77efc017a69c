#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/grant.h"
#include "auth/jwt.h"
#include "auth/refusal.h"
#include "auth/token_error.h"

namespace pushwire::auth {

// What a client has presented, checked once: a token's grant or why the
// token was refused, and whether it gave the publish key.
struct Credentials {
  std::optional<Grant> grant;
  std::optional<TokenError> token_error;  // a token was presented and refused
  bool publish_key = false;
};

// An answer to "may this client do this to that channel".
struct Decision {
  int status = 0;  // 0: allowed; else 401 or 403
  Refusal reason = Refusal::token_missing;  // when refused
  std::string message;      // for the client
  int64_t expires_at_ms = 0;  // when the permission ends (wall clock); 0: it does not
  std::string sub;

  bool allowed() const { return status == 0; }
  std::string_view code() const { return status == 403 ? "forbidden" : "unauthorized"; }
};

// The one place that decides who may subscribe to and publish on which
// channel. With a JwtVerifier, access control is on: subscribing needs a
// token whose "subscribe" matches (or a --public-channels match), publishing
// a token whose "publish" matches or the publish key. Without one, v1 rules:
// subscribing is open, publishing needs the publish key if one is set.
class Access {
 public:
  Access(std::shared_ptr<const JwtVerifier> verifier, std::string publish_key,
         std::vector<std::string> public_channels);

  bool enabled() const { return verifier_ != nullptr; }
  // Whether anything is checked at all (access control, or a publish key).
  bool restricts() const { return verifier_ != nullptr || !publish_key_.empty(); }
  bool has_publish_key() const { return !publish_key_.empty(); }

  // `token` and `key` may be empty (not presented). A bearer credential
  // carries either, so a `token` that is the publish key counts as the key.
  Credentials present(std::string_view token, std::string_view key, int64_t now_ms) const;

  Decision may_subscribe(const Credentials& credentials, std::string_view channel, int64_t now_ms) const;
  Decision may_publish(const Credentials& credentials, std::string_view channel, int64_t now_ms) const;

 private:
  Decision check_grant(const Credentials& credentials, std::string_view channel, int64_t now_ms,
                       const std::vector<std::string> Grant::*patterns, std::string_view action) const;

  std::shared_ptr<const JwtVerifier> verifier_;
  std::string publish_key_;
  std::vector<std::string> public_channels_;
};

}  // namespace pushwire::auth
