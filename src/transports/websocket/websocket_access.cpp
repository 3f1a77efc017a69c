#include "transports/websocket/websocket_access.h"

#include <algorithm>

#include "transports/access_check.h"
#include "transports/websocket/websocket_connection.h"
#include "transports/websocket/ws_frames.h"
#include "util/clock.h"
#include "util/log.h"
#include "ws/close_codes.h"

namespace pushwire::transports {

WebSocketAccess::WebSocketAccess(WebSocketConnection& connection, auth::Credentials credentials,
                                 std::function<void()> on_expiry)
    : connection_(connection),
      credentials_(std::move(credentials)),
      on_expiry_(std::move(on_expiry)),
      expiry_(connection.context().loop),
      resume_reading_(connection.context().loop) {
  arm_expiry();
}

bool WebSocketAccess::may_subscribe(std::string_view channel, std::string_view ref, bool& expiring) {
  const auth::Decision decision =
      connection_.context().settings.access.may_subscribe(credentials_, channel, util::wall_ms());
  expiring = decision.expires_at_ms != 0;
  if (decision.allowed()) return true;
  refuse(decision, "subscribe", channel, ref);
  return false;
}

bool WebSocketAccess::may_publish(std::string_view channel, std::string_view ref) {
  auth::Decision decision = connection_.context().settings.access.may_publish(credentials_, channel, util::wall_ms());
  if (decision.allowed()) return true;
  if (decision.reason == auth::Refusal::publish_key_wrong)
    decision.message = "send {\"op\":\"auth\",\"key\":...} before publishing";
  refuse(decision, "publish", channel, ref);
  return false;
}

bool WebSocketAccess::grants_subscription(std::string_view channel) const {
  return connection_.context().settings.access.may_subscribe(credentials_, channel, util::wall_ms()).allowed();
}

WebSocketAccess::AuthResult WebSocketAccess::authenticate(const std::string& token, const std::string& key,
                                                          std::string_view ref) {
  const auth::Access& access = connection_.context().settings.access;
  auth::Credentials fresh = access.present(token, key, util::wall_ms());
  // Without a publish key configured, any key is taken, as it always was.
  const bool key_taken = key.empty() || fresh.publish_key || !access.has_publish_key();
  // A token is only read while access control is on; the publish key may come in its place.
  const bool token_taken = token.empty() || !access.enabled() || fresh.grant || fresh.publish_key;
  if (!key_taken || !token_taken) {
    auth::Decision decision;
    decision.status = 401;
    decision.reason = fresh.token_error ? auth::refusal_for(*fresh.token_error) : auth::Refusal::publish_key_wrong;
    decision.message = fresh.token_error ? std::string(auth::token_error_message(*fresh.token_error))
                                         : "wrong publish key";
    refuse(decision, "auth", {}, ref);
    count_failed_auth();
    return AuthResult::refused;
  }
  if (fresh.publish_key) credentials_.publish_key = true;
  if (!fresh.grant) return AuthResult::taken;
  credentials_.grant = std::move(fresh.grant);
  credentials_.token_error.reset();
  arm_expiry();
  return AuthResult::new_grant;
}

void WebSocketAccess::refuse(const auth::Decision& decision, std::string_view what, std::string_view channel,
                             std::string_view ref) {
  record_refusal(connection_.context(), decision, what, channel, connection_.peer());
  connection_.send_frame(ws_error_frame(ref, decision.code(), decision.message));
}

void WebSocketAccess::arm_expiry() {
  if (!credentials_.grant) return;
  const int64_t left_ms = std::max<int64_t>(credentials_.grant->expires_at_ms - util::wall_ms(), 0);
  expiry_.start(left_ms, [this] { on_expiry_(); });
}

void WebSocketAccess::count_failed_auth() {
  if (++failed_auths_ >= kMaxFailedAuths) {
    auth::Decision decision;
    decision.status = 401;
    decision.reason = auth::Refusal::auth_ops_exceeded;
    record_refusal(connection_.context(), decision, "auth", {}, connection_.peer());
    connection_.close_with(ws::kClosePolicyViolation, "too many failed auth ops");
    return;
  }
  if (failed_auths_ <= kFreeFailedAuths) return;
  // Guessing gets slow: what the client sends next waits.
  connection_.pause_reading();
  resume_reading_.start(kAuthPauseMs, [this] { connection_.resume_reading(); });
}

}  // namespace pushwire::transports
