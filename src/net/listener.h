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
// the loops and no thread hands sockets to another. libuv polls it; pushwire
// accepts, since its connections are sockets of its own, not libuv streams.
class Listener {
 public:
  using OnConnection = std::function<void(Connection&)>;
  Listener(EventLoop& loop, OnConnection on_connection);

  // Binds and listens. Returns the bound port, or 0 with `error` set.
  uint16_t listen(const std::string& host, uint16_t port, std::string& error);
  void close();

 private:
  static void on_readable(uv_poll_t* handle, int status, int events);
  void accept_some();
  void turn_away_pending();

  EventLoop& loop_;
  OnConnection on_connection_;
  uv_poll_t poll_;
  int fd_ = -1;
  int spare_fd_ = -1;  // given up to turn clients away when descriptors run out
  bool open_ = false;
};

}  // namespace pushwire::net
