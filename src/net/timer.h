#pragma once
#include <uv.h>

#include <cstdint>
#include <functional>

namespace pushwire::net {

class EventLoop;

// A one-shot or repeating timer owned by an object that may be destroyed at
// any time: destruction stops it, and libuv's asynchronous close frees the
// handle later on its own.
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
  uv_timer_t* handle_;
  std::function<void()> fire_;
};

}  // namespace pushwire::net
