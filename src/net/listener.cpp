#include "net/listener.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/connection.h"
#include "net/event_loop.h"
#include "util/log.h"

namespace pushwire::net {

namespace {
// Accepted per readable event: more pending clients are taken next loop turn,
// after the connections already open had their turn.
constexpr int kAcceptsPerTurn = 128;
constexpr int kBacklog = 4096;
}  // namespace

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
  if (::listen(fd, kBacklog) != 0) {
    error = std::string("listen: ") + std::strerror(errno);
    ::close(fd);
    return 0;
  }
  if (const int rc = uv_poll_init(loop_.uv(), &poll_, fd); rc != 0) {
    error = std::string("polling the listening socket: ") + uv_strerror(rc);
    ::close(fd);
    return 0;
  }
  fd_ = fd;
  spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  poll_.data = this;
  uv_poll_start(&poll_, UV_READABLE, on_readable);
  open_ = true;
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  return ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

void Listener::close() {
  if (!open_) return;
  open_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), nullptr);  // stops polling now
  ::close(fd_);
  if (spare_fd_ >= 0) ::close(spare_fd_);
}

void Listener::on_readable(uv_poll_t* handle, int, int) { static_cast<Listener*>(handle->data)->accept_some(); }

void Listener::accept_some() {
  for (int accepted = 0; accepted < kAcceptsPerTurn && open_; ++accepted) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      on_connection_(Connection::adopt(loop_, fd));
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    const int error = errno;
    PW_LOG_LIMITED("accept errors", warn, "accept: ", std::strerror(error));
    if (error == EMFILE || error == ENFILE) turn_away_pending();
    return;
  }
}

// Out of descriptors, the pending clients would make the socket readable
// every turn with nothing accepted: as libuv does, the spare descriptor is
// given up to accept and close them, and taken again.
void Listener::turn_away_pending() {
  if (spare_fd_ < 0) return;
  ::close(spare_fd_);
  for (int turned = 0; turned < kAcceptsPerTurn; ++turned) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) break;
    ::close(fd);
  }
  spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

}  // namespace pushwire::net
