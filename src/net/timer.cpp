#include "net/timer.h"

#include "net/event_loop.h"

namespace pushwire::net {

Timer::Timer(EventLoop& loop) : loop_(loop) {}

Timer::~Timer() {
  if (!handle_) return;
  handle_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_timer_t*>(handle); });
}

void Timer::start(int64_t timeout_ms, std::function<void()> fire, int64_t repeat_ms) {
  fire_ = std::move(fire);
  if (!handle_) {
    handle_ = new uv_timer_t;
    uv_timer_init(loop_.uv(), handle_);
    handle_->data = this;
  }
  uv_timer_start(handle_, on_fire, static_cast<uint64_t>(timeout_ms), static_cast<uint64_t>(repeat_ms));
}

void Timer::stop() {
  if (handle_) uv_timer_stop(handle_);
}

void Timer::on_fire(uv_timer_t* handle) {
  if (auto* self = static_cast<Timer*>(handle->data)) self->fire_();
}

}  // namespace pushwire::net
