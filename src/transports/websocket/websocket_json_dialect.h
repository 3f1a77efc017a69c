#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "auth/access.h"

#include "transports/websocket/websocket_connection.h"
#include "transports/websocket/websocket_access.h"
#include "transports/websocket/websocket_dialect.h"
#include "util/back_reference.h"

namespace pushwire::transports {

// What pushwire's two WebSocket dialects share (docs/protocol.md): JSON
// frames ({"op":"message",...envelope}, ok, error and gap ops), and
// publishing answered by an ok op that carries the id, checked with what the
// client presented (WebSocketAccess). Each dialect keeps its own
// subscriptions: the single-channel one embeds its only one.
class JsonDialect : public WebSocketDialect {
 public:
  // Messages as {"op":"message",...envelope} text frames.
  static WebSocketMessageFormats message_formats();

 protected:
  // `credentials`: what the handshake presented.
  JsonDialect(WebSocketConnection& connection, auth::Credentials credentials);
  ~JsonDialect() override;

  void publish(const std::string& channel, std::string_view event, std::string data, const std::string& ref);
  // The token the client presented ran out.
  virtual void on_token_expired() = 0;

  WebSocketConnection& connection_;
  // Null when the server checks nothing (no access control, no publish key).
  std::unique_ptr<WebSocketAccess> access_;

 private:
  // A broker may answer a publish after the dialect is gone; made on the first publish.
  util::BackReference<JsonDialect>* publish_answers_ = nullptr;
};

}  // namespace pushwire::transports
