#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "auth/access.h"
#include "net/timer.h"

namespace pushwire::transports {

class WebSocketConnection;

// What one WebSocket has presented (a token, the publish key) and what
// follows from it. Each subscribe and publish op is checked, and a refusal
// answered with an error op (unauthorized or forbidden) while the connection
// stays open. An auth op adds the publish key or replaces the token; failed
// ones are slowed down and then end the connection. When the token runs out,
// `on_expiry` is called.
class WebSocketAccess {
 public:
  // Failed auth ops a connection may make at full speed; after them, each
  // holds back the connection's reading for kAuthPauseMs, and the
  // kMaxFailedAuths-th closes it with 1008.
  static constexpr int kFreeFailedAuths = 3;
  static constexpr int kMaxFailedAuths = 10;
  static constexpr int64_t kAuthPauseMs = 1000;

  WebSocketAccess(WebSocketConnection& connection, auth::Credentials credentials, std::function<void()> on_expiry);

  // Each either allows, or sends the error op with `ref` (logged and counted).
  // `expiring`: the permission ends when the token does.
  bool may_subscribe(std::string_view channel, std::string_view ref, bool& expiring);
  bool may_publish(std::string_view channel, std::string_view ref);
  // Whether the current token still grants `channel`, without answering anything.
  bool grants_subscription(std::string_view channel) const;

  // {"op":"auth"}: when refused, the error op has been sent, and the
  // connection may be slowed down or closed; else the caller answers ok.
  enum class AuthResult { refused, taken, new_grant };
  AuthResult authenticate(const std::string& token, const std::string& key, std::string_view ref);

 private:
  void refuse(const auth::Decision& decision, std::string_view what, std::string_view channel, std::string_view ref);
  void arm_expiry();
  void count_failed_auth();

  WebSocketConnection& connection_;
  auth::Credentials credentials_;
  std::function<void()> on_expiry_;
  net::Timer expiry_;
  net::Timer resume_reading_;
  int failed_auths_ = 0;
};

}  // namespace pushwire::transports
