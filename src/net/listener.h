#pragma once
#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>

namespace pushwire::net {

class Connection;
class EventLoop;

// A listening TCP socket of one loop. Each loop has its own, all bound to the
// same address with SO_REUSEPORT, so the kernel spreads new connections over
// the loops and no thread hands sockets to another.
class Listener {
 public:
  using OnConnection = std::function<void(Connection&)>;
  Listener(EventLoop& loop, OnConnection on_connection);

  // Binds and listens. Returns the bound port, or 0 with `error` set.
  uint16_t listen(const std::string& host, uint16_t port, std::string& error);
  void close();

 private:
  static void on_connection(uv_stream_t* server, int status);

  EventLoop& loop_;
  OnConnection on_connection_;
  uv_tcp_t tcp_;
  bool open_ = false;
};

}  // namespace pushwire::net
