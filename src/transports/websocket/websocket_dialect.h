#pragma once
#include <string_view>

namespace pushwire::transports {

class WebSocketConnection;

// What the messages on a WebSocket mean. WebSocketConnection does the
// framing, ping/pong, the close handshake, heartbeats, permessage-deflate and
// the slow-consumer cut-off; a dialect reads the client's whole messages and
// answers through the connection. pushwire's JSON ops (/ws) and the
// single-channel socket (/ws/{channel}) are dialects; another protocol on
// WebSockets is another dialect, added beside them.
class WebSocketDialect {
 public:
  virtual ~WebSocketDialect() = default;

  // A whole text message: defragmented, decompressed, valid UTF-8.
  virtual void on_text(std::string_view message) = 0;
  virtual void on_binary(std::string_view message) = 0;
};

}  // namespace pushwire::transports
