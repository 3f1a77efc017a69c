#include "net/listener.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "net/connection.h"
#include "net/event_loop.h"
#include "util/log.h"

namespace pushwire::net {

Listener::Listener(EventLoop& loop, OnConnection on_connection)
    : loop_(loop), on_connection_(std::move(on_connection)) {}

uint16_t Listener::listen(const std::string& host, uint16_t port, std::string& error) {
  sockaddr_storage addr{};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr)) != 0 &&
      uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr)) != 0) {
    error = "not an IP address: " + host;
    return 0;
  }
  const int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return 0;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  const socklen_t len = addr.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    ::close(fd);
    return 0;
  }
  uv_tcp_init(loop_.uv(), &tcp_);
  tcp_.data = this;
  open_ = true;
  uv_tcp_open(&tcp_, fd);
  if (const int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&tcp_), 4096, on_connection); rc != 0) {
    error = std::string("listen: ") + uv_strerror(rc);
    close();
    return 0;
  }
  sockaddr_storage bound{};
  int bound_len = sizeof bound;
  uv_tcp_getsockname(&tcp_, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  return ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

void Listener::close() {
  if (!open_) return;
  open_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), nullptr);
}

void Listener::on_connection(uv_stream_t* server, int status) {
  auto* self = static_cast<Listener*>(server->data);
  if (status != 0) {
    PW_LOG_LIMITED("accept errors", warn, "accept: ", uv_strerror(status));
    return;
  }
  if (Connection* c = Connection::accept(self->loop_, server)) self->on_connection_(*c);
}

}  // namespace pushwire::net
