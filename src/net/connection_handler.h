#pragma once
#include <cstdint>
#include <string_view>

namespace pushwire::net {

// What a Connection reports to the protocol on it (HTTP, then maybe WebSocket).
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // Bytes arrived. They live only during the call: keep what you need.
  virtual void on_read(std::string_view bytes) = 0;
  // The peer closed, an error happened, or close() finished. The last call.
  virtual void on_closed() {}
  // Everything queued has been sent, after Connection::notify_when_drained().
  virtual void on_drained() {}
  // Once a second, for timeouts and heartbeats.
  virtual void on_tick(int64_t now_ms) {}
  // The server is stopping: finish (answer, close frames) and close.
  virtual void on_shutdown() = 0;
};

}  // namespace pushwire::net
