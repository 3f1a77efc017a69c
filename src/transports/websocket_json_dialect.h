#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "auth/access.h"

#include "transports/websocket_channels.h"
#include "transports/websocket_connection.h"
#include "transports/websocket_access.h"
#include "transports/websocket_dialect.h"
#include "util/back_reference.h"

namespace pushwire::transports {

// What pushwire's two WebSocket dialects share (docs/protocol.md): JSON
// frames ({"op":"message",...envelope}, ok, error and gap ops), channel
// subscriptions, and publishing answered by an ok op that carries the id;
// both checked with what the client presented (WebSocketAccess).
class JsonDialect : public WebSocketDialect {
 public:
  // Messages as {"op":"message",...envelope} text frames.
  static WebSocketMessageFormats message_formats();

 protected:
  // `credentials`: what the handshake presented.
  JsonDialect(WebSocketConnection& connection, auth::Credentials credentials);
  ~JsonDialect() override;

  // `acknowledge`: answer with an ok op before the replay.
  void subscribe(const std::string& channel, const std::string* since, const std::string& ref, bool acknowledge);
  void publish(const std::string& channel, std::string_view event, std::string data, const std::string& ref);
  // {"op":"auth"}: answers ok or an error op; a fresh token resumes the
  // subscriptions it grants that its predecessor's expiry suspended, and
  // ends those it does not grant.
  void authenticate(const std::string& token, const std::string& key, const std::string& ref);
  // The token behind the subscriptions ran out: each of them is suspended
  // with an expired op, until an auth op brings a fresh one.
  virtual void on_token_expired();

  WebSocketConnection& connection_;
  WebSocketChannels channels_;
  // Null when the server checks nothing (no access control, no publish key).
  std::unique_ptr<WebSocketAccess> access_;

 private:
  // A broker may answer a publish after the dialect is gone; made on the first publish.
  util::BackReference<JsonDialect>* publish_answers_ = nullptr;
};

}  // namespace pushwire::transports
