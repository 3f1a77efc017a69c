#pragma once
#include <uv.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "net/connection_handler.h"
#include "net/lingering.h"
#include "net/poller.h"
#include "net/send_batch.h"

namespace pushwire::net {

class Connection;

// One libuv loop, run by one thread. Besides the loop it owns what all of that
// thread's connections share: the Poller that watches their sockets, the read
// buffer, the list of connections with output to flush at the end of this
// turn, a tick (once a second unless set), and the connections in a lingering
// close.
class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  uv_loop_t* uv() { return &loop_; }
  // The loop's clock in ms (cached per turn): the time base of ticks.
  int64_t now_ms() const { return static_cast<int64_t>(uv_now(&loop_)); }
  // Runs until shut_down() was called and every connection and listener is
  // closed; then closes the loop's own handles.
  void run();

  // Runs `task` on this loop's thread. Callable from any thread.
  void post(std::function<void()> task);
  // As post(), but from the loop's own thread the task runs later in this
  // turn instead of in the next one.
  void post_soon(std::function<void()> task);

  // Runs `task` on this thread later in this loop turn, outside any I/O
  // callback (so the caller may be destroyed before it runs: guard for that).
  void defer(std::function<void()> task) { deferred_.push_back(std::move(task)); }

  // Keeps a connection's replaced handler alive until the end of this loop
  // turn, since it may be replaced from within its own callback.
  void retire(std::unique_ptr<ConnectionHandler> handler) { retired_.push_back(std::move(handler)); }

  // Called every `period_ms` (default once a second) on this thread with now_ms().
  void set_tick(std::function<void(int64_t)> tick, int64_t period_ms = 1000);

  // Lets run() return once every connection and listener is closed. Posting,
  // flushing and ticks go on until then.
  void shut_down();

  // For Connection: the shared read buffer and the flush at end of turn. A
  // connection stays scheduled (and alive) until its flush() has been called.
  uv_buf_t read_buffer();
  void schedule_flush(Connection* connection);
  Connection*& connections() { return connections_; }  // head of Connection's intrusive list
  Lingering& lingering() { return lingering_; }
  Poller& poller() { return poller_; }
  // A closed connection is released (its handler told, the object freed)
  // later in this loop turn, outside the callbacks that may still use it.
  void release_later(Connection* connection) { closed_connections_.push_back(connection); }

 private:
  static void on_check(uv_check_t* handle);
  void run_deferred();
  void flush_some();
  static void on_async(uv_async_t* handle);
  static void on_tick(uv_timer_t* handle);

  uv_loop_t loop_;
  std::atomic<std::thread::id> thread_;  // the thread in run()
  uv_check_t flush_check_;
  uv_idle_t keep_polling_;
  uv_async_t wakeup_;
  uv_timer_t tick_timer_;
  std::function<void(int64_t)> tick_;
  std::vector<char> read_buffer_;
  Poller poller_;
  Connection* connections_ = nullptr;
  std::vector<Connection*> closed_connections_;
  Lingering lingering_;
  std::vector<Connection*> to_flush_;
  std::vector<Connection*> flushing_;
  std::deque<Connection*> backlog_;  // scheduled in an earlier turn, not written yet
  SendBatch send_batch_;              // this turn's writes, sent together
  std::vector<std::function<void()>> deferred_;
  std::vector<std::unique_ptr<ConnectionHandler>> retired_;
  std::mutex posted_mutex_;
  bool closed_ = false;  // under posted_mutex_: the wakeup handle is gone
  std::vector<std::function<void()>> posted_;
};

}  // namespace pushwire::net
