#pragma once
#include <sys/epoll.h>
#include <uv.h>

#include <array>
#include <cstdint>

namespace pushwire::net {

// The sockets of one loop, watched through one epoll set of pushwire's own.
// libuv polls the set's descriptor with a single handle (an epoll descriptor
// is itself readable while it has events), so a socket costs its entry in the
// set instead of a libuv handle of its own (a `uv_tcp_t` is 248 bytes, what
// an idle client costs most). Level-triggered: an event not handled now is
// reported again in the next loop turn.
class Poller {
 public:
  // Called with a watched socket's target and its ready EPOLL* events.
  using Dispatch = void (*)(void* target, uint32_t events);

  Poller(uv_loop_t* loop, Dispatch dispatch);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Watches `fd` for `events` (EPOLLIN, EPOLLOUT; errors and hang-ups are
  // always reported), or changes them from `before`; false if the kernel
  // refused (a refused change is still what remove() is then told).
  bool add(int fd, uint32_t events, void* target);
  bool modify(int fd, uint32_t before, uint32_t events, void* target);
  // Stops watching `fd`, which was watched for `events`.
  void remove(int fd, uint32_t events);

 private:
  // Events handled per loop turn: the rest wait for the next turn, so one
  // turn's reads cannot put off its flush for long.
  static constexpr int kEventsPerWait = 256;
  static constexpr int kWaitsPerTurn = 4;

  static void on_ready(uv_poll_t* handle, int status, int events);
  // Only sockets waiting for something keep the loop running, as a libuv
  // handle that is neither reading nor writing does not.
  void count_waiting(uint32_t before, uint32_t after);

  const int epoll_fd_;
  Dispatch dispatch_;
  uv_poll_t handle_;
  int64_t waiting_ = 0;
  std::array<epoll_event, kEventsPerWait> ready_;
};

}  // namespace pushwire::net
