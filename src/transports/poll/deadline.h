#pragma once
#include <cstdint>
#include <functional>

#include "net/event_loop.h"
#include "net/timer.h"

namespace pushwire::transports {

// A deadline that is set and cleared far more often than it passes (a
// long-poll's wait, a poll session's grace), at little cost: its timer stays
// armed for the earliest time it was set to, and when that comes too early
// for the deadline set since, it re-arms for what is left; a cleared
// deadline lets it fire once for nothing. Setting and clearing then rarely
// touch the loop's timer heap.
class Deadline {
 public:
  Deadline(net::EventLoop& loop, std::function<void()> on_pass)
      : loop_(loop), timer_(loop), on_pass_(std::move(on_pass)) {}

  // Passes `in_ms` from now, replacing any earlier setting.
  void set(int64_t in_ms);
  void clear() { due_ms_ = kNone; }

 private:
  static constexpr int64_t kNone = -1;
  void arm(int64_t at_ms);
  void on_fire();

  net::EventLoop& loop_;
  net::Timer timer_;
  std::function<void()> on_pass_;
  int64_t due_ms_ = kNone;    // loop time
  int64_t armed_ms_ = kNone;  // when the timer fires, in loop time
};

}  // namespace pushwire::transports
