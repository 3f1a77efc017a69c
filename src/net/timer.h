#pragma once
#include <uv.h>

#include <cstdint>
#include <functional>

namespace pushwire::net {

class EventLoop;

// A one-shot or repeating timer owned by an object that may be destroyed at
// any time: destruction stops it, and libuv's asynchronous close frees the
// handle later on its own. The handle (152 bytes) is made by the first
// start(): most streams hold a timer for a token's expiry that never starts.
class Timer {
 public:
  explicit Timer(EventLoop& loop);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void start(int64_t timeout_ms, std::function<void()> fire, int64_t repeat_ms = 0);
  void stop();

 private:
  static void on_fire(uv_timer_t* handle);
  EventLoop& loop_;
  uv_timer_t* handle_ = nullptr;
  std::function<void()> fire_;
};

}  // namespace pushwire::net
