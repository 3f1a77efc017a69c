#include "net.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <stdexcept>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace {
// One read buffer for every connection: the loop is single-threaded, and
// only bytes that a parser cannot consume yet are copied into the Conn.
char g_read_buffer[256 * 1024];

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }
}  // namespace

Loop::Loop() : epfd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epfd_ < 0) throw std::runtime_error(errno_text("epoll_create1"));
}

Loop::~Loop() { close(epfd_); }

void Loop::add(int fd, Conn* conn, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = conn;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) throw std::runtime_error(errno_text("epoll_ctl ADD"));
}

void Loop::modify(int fd, Conn* conn, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = conn;
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) != 0) throw std::runtime_error(errno_text("epoll_ctl MOD"));
}

void Loop::remove(int fd) { epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr); }

void Loop::run_once(int timeout_ms) {
  epoll_event events[1024];
  int n = epoll_wait(epfd_, events, 1024, poll_interval_us_ > 0 ? 0 : timeout_ms);
  if (n < 0 && errno != EINTR) throw std::runtime_error(errno_text("epoll_wait"));
  if (n == 0 && poll_interval_us_ > 0 && timeout_ms != 0) {
    int64_t us = timeout_ms < 0 ? poll_interval_us_ : std::min<int64_t>(poll_interval_us_, int64_t(timeout_ms) * 1000);
    timespec pause{time_t(us / 1000000), long(us % 1000000) * 1000};
    nanosleep(&pause, nullptr);
    return;
  }
  for (int i = 0; i < n; i++) static_cast<Conn*>(events[i].data.ptr)->handle_events(events[i].events);
}

Conn::~Conn() { close_now(); }

bool Conn::start_connect(const sockaddr_in& dest, const sockaddr_in* source, std::string& error) {
  close_now();
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno_text("socket");
    return false;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (source) {
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (bind(fd, reinterpret_cast<const sockaddr*>(source), sizeof *source) != 0) {
      error = errno_text("bind");
      close(fd);
      return false;
    }
  }
  if (connect(fd, reinterpret_cast<const sockaddr*>(&dest), sizeof dest) != 0 && errno != EINPROGRESS) {
    error = errno_text("connect");
    close(fd);
    return false;
  }
  fd_ = fd;
  connecting_ = true;
  want_write_ = true;
  out_.clear();
  in_.clear();
  loop_.add(fd_, this, EPOLLIN | EPOLLOUT);
  return true;
}

void Conn::close_now() {
  if (fd_ < 0) return;
  loop_.remove(fd_);
  close(fd_);
  fd_ = -1;
  connecting_ = false;
  out_.clear();
  out_.shrink_to_fit();
  in_.clear();
  in_.shrink_to_fit();
}

void Conn::fail(const std::string& why) {
  close_now();
  on_closed(why);
}

void Conn::send_bytes(std::string_view bytes) {
  if (fd_ < 0) return;
  out_.append(bytes);
  if (!connecting_) flush();
}

void Conn::flush() {
  while (!out_.empty()) {
    ssize_t w = send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      fail(errno_text("send"));
      return;
    }
    out_.erase(0, size_t(w));
  }
  update_interest();
}

void Conn::update_interest() {
  bool want = !out_.empty();
  if (want == want_write_ || fd_ < 0) return;
  want_write_ = want;
  loop_.modify(fd_, this, EPOLLIN | (want ? EPOLLOUT : 0u));
}

void Conn::handle_events(uint32_t events) {
  if (fd_ < 0) return;
  if (connecting_) {
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
      fail(std::string("connect: ") + std::strerror(err ? err : ECONNREFUSED));
      return;
    }
    connecting_ = false;
    on_connected();
    if (fd_ < 0) return;
    flush();
    return;
  }
  if (events & EPOLLOUT) {
    flush();
    if (fd_ < 0) return;
  }
  if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP))) return;
  ssize_t r = recv(fd_, g_read_buffer, sizeof g_read_buffer, 0);
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    fail(errno_text("recv"));
    return;
  }
  if (r == 0) {
    // Let the protocol see a clean end (a body framed by the close).
    fail("closed by server");
    return;
  }
  size_t got = size_t(r);
  if (in_.empty()) {
    size_t used = on_data(g_read_buffer, got);
    if (fd_ >= 0 && used < got) in_.assign(g_read_buffer + used, got - used);
  } else {
    in_.append(g_read_buffer, got);
    size_t used = on_data(in_.data(), in_.size());
    if (fd_ >= 0) in_.erase(0, used);
  }
}
