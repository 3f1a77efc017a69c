// A Connection's life: adoption, reading, events from the Poller, closing.
// Its write queue is in connection_write.cpp, its TLS in connection_filter.cpp.
#include "net/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include "net/admission.h"
#include "net/event_loop.h"
#include "util/log.h"

namespace pushwire::net {

namespace {
std::atomic<int64_t> g_open_count{0};

struct PeerName {
  std::string host = "?";
  int port = 0;
  bool ipv6 = false;
};

PeerName peer_name(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return {};
  char host[64] = "?";
  if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    uv_ip6_name(a, host, sizeof host);
    return {host, ntohs(a->sin6_port), true};
  }
  auto* a = reinterpret_cast<sockaddr_in*>(&addr);
  uv_ip4_name(a, host, sizeof host);
  return {host, ntohs(a->sin_port), false};
}
}  // namespace

Connection::~Connection() = default;

Connection& Connection::adopt(EventLoop& loop, int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  auto* c = new Connection(loop, fd);
  c->link();
  return *c;
}

int64_t Connection::open_count() { return g_open_count.load(std::memory_order_relaxed); }

std::string Connection::peer() const {
  const PeerName name = peer_name(fd_);
  if (name.port == 0) return name.host;
  const std::string port = ":" + std::to_string(name.port);
  return name.ipv6 ? "[" + name.host + "]" + port : name.host + port;
}

std::string Connection::peer_ip() const { return peer_name(fd_).host; }

void Connection::link() {
  g_open_count.fetch_add(1, std::memory_order_relaxed);
  Connection*& head = loop().connections();
  next_ = head;
  if (head) head->prev_ = this;
  head = this;
}

void Connection::unlink() {
  g_open_count.fetch_sub(1, std::memory_order_relaxed);
  Connection*& head = loop().connections();
  if (prev_) prev_->next_ = next_;
  else if (head == this) head = next_;
  if (next_) next_->prev_ = prev_;
  prev_ = next_ = nullptr;
}

void Connection::for_each(EventLoop& loop, void (*fn)(Connection&, int64_t), int64_t arg) {
  for (Connection* c = loop.connections(); c;) {
    Connection* next = c->next_;  // fn may close c, which unlinks it
    fn(*c, arg);
    c = next;
  }
}

void Connection::close_all(EventLoop& loop) {
  for_each(loop, [](Connection& c, int64_t) { c.close_socket(false); }, 0);
}

void Connection::set_handler(std::unique_ptr<Handler> handler) {
  if (handler_) loop().retire(std::move(handler_));
  handler_ = std::move(handler);
  if (!reading_ && state_ == State::open) resume_reading();
}

uint32_t Connection::wanted_events() const {
  return (reading_ ? EPOLLIN : 0u) | (awaiting_writable_ ? EPOLLOUT : 0u);
}

// Tells the Poller what the socket is now watched for, after a change from `before`.
void Connection::watch(uint32_t before) {
  Poller& poller = loop().poller();
  const uint32_t now = wanted_events();
  if (watched_ ? poller.modify(fd_, before, now, this) : poller.add(fd_, now, this)) {
    watched_ = true;
    return;
  }
  PW_LOG_LIMITED("epoll errors", warn, "epoll_ctl: ", std::strerror(errno));
  abort();
}

void Connection::pause_reading() {
  if (!reading_) return;
  const uint32_t before = wanted_events();
  reading_ = false;
  watch(before);
}

void Connection::resume_reading() {
  if (reading_ || state_ != State::open) return;
  const uint32_t before = wanted_events();
  reading_ = true;
  watch(before);
}

void Connection::on_events(void* target, uint32_t events) {
  auto* self = static_cast<Connection*>(target);
  if (self->state_ == State::closed) return;
  // An error or hang-up comes whatever the socket is watched for; the write
  // or the read then meets it.
  if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && self->awaiting_writable_) self->on_writable();
  if (self->state_ == State::closed) return;
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && self->reading_) {
    self->read_once();
  } else if ((events & (EPOLLERR | EPOLLHUP)) && !self->awaiting_writable_) {
    // Neither reading nor writing: the peer is gone, and level-triggered
    // epoll would report it again every turn.
    self->close_socket(true);
  }
}

// One read a readable event: level-triggered, what is left is reported again.
void Connection::read_once() {
  const uv_buf_t buffer = loop().read_buffer();
  const ssize_t n = ::read(fd_, buffer.base, buffer.len);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    PW_LOG_LIMITED("read errors", debug, "read from ", peer(), ": ", std::strerror(errno));
    close_socket(true);
    return;
  }
  if (n == 0) {
    close_socket(false);
    return;
  }
  if (state_ != State::open || !handler_) return;  // lingering: input is dropped
  const std::string_view bytes(buffer.base, static_cast<size_t>(n));
  if (filtered_) receive_filtered(bytes);
  else handler_->on_read(bytes);
}

void Connection::close() {
  if (state_ != State::open) return;
  if (filtered_) {
    finish_filter();
    if (state_ != State::open) return;  // sealing failed: aborted
  }
  state_ = State::closing_after_flush;
  if (!awaiting_writable_ && queued_.empty()) {
    finish_close();
    return;
  }
  pause_reading();
  if (state_ == State::closing_after_flush && !awaiting_writable_) start_write();
  // Otherwise on_writable goes on.
}

void Connection::finish_close() {
  if (::shutdown(fd_, SHUT_WR) != 0) {
    abort();
    return;
  }
  if (loop().lingering().duration_ms() == 0) {
    close_socket(false);
    return;
  }
  // The client may still be sending (more of a body, the rest of a frame),
  // even when nothing is unread at this moment. Its input is dropped from
  // here on (read_once passes nothing on); its own close or the deadline ends it.
  state_ = State::lingering;
  loop().lingering().add(this, loop().now_ms());
  if (reading_) return;
  const uint32_t before = wanted_events();
  reading_ = true;
  watch(before);
}

void Connection::abort() { close_socket(true); }

void Connection::close_socket(bool reset) {
  if (state_ == State::closed) return;
  if (state_ == State::lingering) loop().lingering().remove(this);
  state_ = State::closed;
  if (watched_) loop().poller().remove(fd_, wanted_events());
  reading_ = awaiting_writable_ = watched_ = false;
  queued_.clear();
  if (filtered_) filtered_->unsealed.clear();
  unlink();
  Admission::release(std::exchange(place_, nullptr));
  if (reset) {
    const linger drop{1, 0};  // a reset, not a FIN: what is unsent is dropped
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &drop, sizeof drop);
  }
  ::close(fd_);
  loop().release_later(this);
}

void Connection::release() {
  if (handler_) handler_->on_closed();
  handler_.reset();
  if (flush_scheduled_) {
    released_ = true;  // the loop still holds it; flush() deletes it
    return;
  }
  delete this;
}

}  // namespace pushwire::net
