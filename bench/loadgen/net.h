// The event loop (one epoll instance, level-triggered) and Conn, a
// non-blocking TCP client connection, optionally with TLS, with an output
// queue. Protocol classes
// derive from Conn and implement on_connected, on_data and on_closed.
// Conns are never destroyed while the loop runs, and a closed Conn ignores
// events still queued for it; reopen one only between run_once calls.
#pragma once

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tls.h"

class Conn;

class Loop {
 public:
  Loop();
  ~Loop();
  // Waits up to timeout_ms for events and dispatches them.
  void run_once(int timeout_ms);
  // With an interval, run_once checks the sockets without waiting and, when
  // none is ready, sleeps for the interval (or timeout_ms, if shorter)
  // instead of waiting in epoll. Over loopback a thread that waits in epoll
  // is woken by the sender: an inter-processor interrupt that the server's
  // CPU pays on every write that finds the load generator asleep, and that a
  // client on another machine would not cost it.
  void set_poll_interval_us(int us) { poll_interval_us_ = us; }
  void add(int fd, Conn* conn, uint32_t events);
  void modify(int fd, Conn* conn, uint32_t events);
  void remove(int fd);

 private:
  int epfd_;
  int poll_interval_us_ = 0;
};

class Conn {
 public:
  explicit Conn(Loop& loop) : loop_(loop) {}
  virtual ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Starts a non-blocking connect from `source` (port chosen at connect
  // time, so one source address can reach many servers) to `dest`. With
  // `tls`, a TLS handshake follows, and on_connected comes after it.
  bool start_connect(const sockaddr_in& dest, const sockaddr_in* source, bool tls, std::string& error);
  // Queues bytes and writes what the socket takes now.
  void send_bytes(std::string_view bytes);
  // Closes the socket; on_closed is not called.
  void close_now();
  bool is_open() const { return fd_ >= 0; }
  bool is_connected() const { return fd_ >= 0 && !connecting_ && !handshaking_; }
  size_t pending_output() const { return out_.size(); }

  void handle_events(uint32_t events);

 protected:
  virtual void on_connected() = 0;
  // Handles received bytes; returns how many it consumed. The rest is kept
  // and offered again, with more bytes, on the next read.
  virtual size_t on_data(const char* p, size_t n) = 0;
  // The connection failed or the peer closed it (after close_now: never).
  virtual void on_closed(const std::string& why) = 0;

  Loop& loop_;

 private:
  void fail(const std::string& why);
  void connected();
  void continue_handshake();
  void flush();
  void update_interest();
  void set_interest(bool want_write);
  // One read or write on the socket (through TLS when there is): bytes moved,
  // 0 when the socket would block, -1 when it failed (with `error` set).
  ssize_t read_some(char* out, size_t size, std::string& error);
  ssize_t write_some(const char* data, size_t size, std::string& error);
  void receive(size_t got);

  int fd_ = -1;
  bool connecting_ = false;
  bool tls_wanted_ = false;
  bool handshaking_ = false;
  std::unique_ptr<TlsClient> tls_;
  bool want_write_ = false;
  std::string out_;
  std::string in_;
};
