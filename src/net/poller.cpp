#include "net/poller.h"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace pushwire::net {

namespace {
int new_epoll_set() {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  return fd;
}
}  // namespace

Poller::Poller(uv_loop_t* loop, Dispatch dispatch) : epoll_fd_(new_epoll_set()), dispatch_(dispatch) {
  if (const int rc = uv_poll_init(loop, &handle_, epoll_fd_); rc != 0)
    throw std::system_error(-rc, std::generic_category(), "uv_poll_init");
  handle_.data = this;
  uv_poll_start(&handle_, UV_READABLE, on_ready);
  uv_unref(reinterpret_cast<uv_handle_t*>(&handle_));
}

// The loop closed the handle already (EventLoop::run closes every handle).
Poller::~Poller() { ::close(epoll_fd_); }

namespace {
bool control(int epoll_fd, int operation, int fd, uint32_t events, void* target) {
  epoll_event event{};
  event.events = events;
  event.data.ptr = target;
  return ::epoll_ctl(epoll_fd, operation, fd, &event) == 0;
}
}  // namespace

bool Poller::add(int fd, uint32_t events, void* target) {
  if (!control(epoll_fd_, EPOLL_CTL_ADD, fd, events, target)) return false;
  count_waiting(0, events);
  return true;
}

bool Poller::modify(int fd, uint32_t before, uint32_t events, void* target) {
  count_waiting(before, events);  // even if refused: remove() is told `events`
  return control(epoll_fd_, EPOLL_CTL_MOD, fd, events, target);
}

void Poller::remove(int fd, uint32_t events) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  count_waiting(events, 0);
}

void Poller::count_waiting(uint32_t before, uint32_t after) {
  const int64_t was = waiting_;
  waiting_ += (after != 0) - (before != 0);
  if (was == 0 && waiting_ > 0) uv_ref(reinterpret_cast<uv_handle_t*>(&handle_));
  if (was > 0 && waiting_ == 0) uv_unref(reinterpret_cast<uv_handle_t*>(&handle_));
}

void Poller::on_ready(uv_poll_t* handle, int, int) {
  auto* self = static_cast<Poller*>(handle->data);
  for (int wait = 0; wait < kWaitsPerTurn; ++wait) {
    const int count = ::epoll_wait(self->epoll_fd_, self->ready_.data(), kEventsPerWait, 0);
    for (int i = 0; i < count; ++i) self->dispatch_(self->ready_[i].data.ptr, self->ready_[i].events);
    if (count < kEventsPerWait) return;
  }
}

}  // namespace pushwire::net
