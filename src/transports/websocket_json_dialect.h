#pragma once
#include <string>
#include <string_view>

#include "transports/websocket_channels.h"
#include "transports/websocket_connection.h"
#include "transports/websocket_dialect.h"
#include "util/back_reference.h"

namespace pushwire::transports {

// What pushwire's two WebSocket dialects share (docs/protocol.md): JSON
// frames ({"op":"message",...envelope}, ok, error and gap ops), channel
// subscriptions, and publishing answered by an ok op that carries the id.
class JsonDialect : public WebSocketDialect {
 public:
  // Messages as {"op":"message",...envelope} text frames.
  static WebSocketMessageFormats message_formats();

 protected:
  JsonDialect(WebSocketConnection& connection, bool authorized);
  ~JsonDialect() override;

  // `acknowledge`: answer with an ok op before the replay.
  void subscribe(const std::string& channel, const std::string* since, const std::string& ref, bool acknowledge);
  void publish(const std::string& channel, std::string_view event, std::string data, const std::string& ref);

  WebSocketConnection& connection_;
  WebSocketChannels channels_;
  bool authorized_;

 private:
  // A broker may answer a publish after the dialect is gone; made on the first publish.
  util::BackReference<JsonDialect>* publish_answers_ = nullptr;
};

}  // namespace pushwire::transports
