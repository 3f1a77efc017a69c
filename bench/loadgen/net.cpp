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

// A TLS read or write as read_some and write_some report it.
ssize_t moved_or_failed(TlsStep step, size_t moved) {
  if (step == TlsStep::kDone) return ssize_t(moved);
  return step == TlsStep::kWantRead || step == TlsStep::kWantWrite ? 0 : -1;
}
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

bool Conn::start_connect(const sockaddr_in& dest, const sockaddr_in* source, bool tls, std::string& error) {
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
  tls_wanted_ = tls;
  want_write_ = true;
  out_.clear();
  in_.clear();
  loop_.add(fd_, this, EPOLLIN | EPOLLOUT);
  return true;
}

void Conn::close_now() {
  if (fd_ < 0) return;
  loop_.remove(fd_);
  tls_.reset();
  close(fd_);
  fd_ = -1;
  connecting_ = false;
  handshaking_ = false;
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
  if (is_connected()) flush();
}

void Conn::flush() {
  while (!out_.empty()) {
    std::string error;
    ssize_t w = write_some(out_.data(), out_.size(), error);
    if (w < 0) {
      fail(error);
      return;
    }
    if (w == 0) break;
    out_.erase(0, size_t(w));
  }
  update_interest();
}

void Conn::update_interest() { set_interest(!out_.empty()); }

void Conn::set_interest(bool want_write) {
  if (want_write == want_write_ || fd_ < 0) return;
  want_write_ = want_write;
  loop_.modify(fd_, this, EPOLLIN | (want_write ? EPOLLOUT : 0u));
}

ssize_t Conn::write_some(const char* data, size_t size, std::string& error) {
  if (tls_) {
    size_t moved = 0;
    const TlsStep step = tls_->write(data, size, moved, error);
    return moved_or_failed(step, moved);
  }
  for (;;) {
    ssize_t w = send(fd_, data, size, MSG_NOSIGNAL);
    if (w >= 0) return w;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    if (errno == EINTR) continue;
    error = errno_text("send");
    return -1;
  }
}

ssize_t Conn::read_some(char* out, size_t size, std::string& error) {
  if (tls_) {
    size_t moved = 0;
    const TlsStep step = tls_->read(out, size, moved, error);
    return moved_or_failed(step, moved);
  }
  ssize_t r = recv(fd_, out, size, 0);
  if (r > 0) return r;
  if (r == 0) {
    error = "closed by server";
    return -1;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
  error = errno_text("recv");
  return -1;
}

void Conn::connected() {
  if (tls_wanted_) {
    try {
      tls_ = std::make_unique<TlsClient>(fd_);
    } catch (const std::exception& e) {
      fail(e.what());
      return;
    }
    handshaking_ = true;
    continue_handshake();
    return;
  }
  on_connected();
  if (fd_ < 0) return;
  flush();
}

void Conn::continue_handshake() {
  std::string error;
  switch (tls_->handshake(error)) {
    case TlsStep::kDone:
      handshaking_ = false;
      on_connected();
      if (fd_ >= 0) flush();
      return;
    case TlsStep::kWantRead:
      set_interest(false);
      return;
    case TlsStep::kWantWrite:
      set_interest(true);
      return;
    default:
      fail(error);
  }
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
    connected();
    return;
  }
  if (handshaking_) {
    continue_handshake();
    return;
  }
  if (events & EPOLLOUT) {
    flush();
    if (fd_ < 0) return;
  }
  if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP))) return;
  // TLS hands over one record per read: gather what has arrived, as one
  // recv would, so the protocol sees a read's worth at once.
  const size_t kRecordRoom = 17 * 1024;
  size_t got = 0;
  for (;;) {
    std::string error;
    ssize_t r = read_some(g_read_buffer + got, sizeof g_read_buffer - got, error);
    if (r < 0) {
      if (got > 0) receive(got);
      // Let the protocol see a clean end (a body framed by the close).
      if (fd_ >= 0) fail(error);
      return;
    }
    got += size_t(r);
    if (r == 0 || !tls_ || sizeof g_read_buffer - got < kRecordRoom) break;
  }
  if (got > 0) receive(got);
}

void Conn::receive(size_t got) {
  if (in_.empty()) {
    size_t used = on_data(g_read_buffer, got);
    if (fd_ >= 0 && used < got) in_.assign(g_read_buffer + used, got - used);
  } else {
    in_.append(g_read_buffer, got);
    size_t used = on_data(in_.data(), in_.size());
    if (fd_ >= 0) in_.erase(0, used);
  }
}
