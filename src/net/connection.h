#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/byte_stream.h"
#include "net/connection_handler.h"
#include "net/out_chunk.h"
#include "net/send_batch.h"
#include "net/stream_filter.h"
#include "util/slab_pool.h"

namespace pushwire::net {

class EventLoop;
struct AdmissionPlace;

// One accepted TCP socket, watched by its loop's Poller (it has no libuv
// handle: an idle connection's size is what idle clients cost). Reads go to
// its Handler straight from the loop's shared buffer (an idle connection holds
// no read buffer of its own); writes are queued and leave in one system call
// per loop turn. It deletes itself once closed, after telling its handler.
class Connection final : public ByteStream, public util::SlabAllocated<Connection> {
 public:
  using Handler = ConnectionHandler;

  // Takes an accepted, non-blocking socket; reading starts with the first handler.
  static Connection& adopt(EventLoop& loop, int fd);

  // Replaces the handler; the old one is destroyed later in this loop turn.
  void set_handler(std::unique_ptr<Handler> handler);
  Handler* handler() { return handler_.get(); }

  // Puts `filter` (TLS) between the socket and the handler, before the first
  // byte is read: the handler then reads and writes the inner bytes.
  void set_filter(std::unique_ptr<StreamFilter> filter);
  const StreamFilter* filter() const { return filtered_ ? filtered_->filter.get() : nullptr; }

  void write(OutChunk chunk) override;
  void write(std::string bytes) { write(OutChunk::take(std::move(bytes))); }
  size_t pending_bytes() const override { return pending_bytes_; }
  // A hint that write() comes soon: fetches what it touches into the cache.
  void prefetch_for_write() const override {
    __builtin_prefetch(&queued_);
    __builtin_prefetch(queued_.data() + queued_.size());
  }

  // Sends what is queued, then closes: a FIN, then a lingering close until
  // the client closes too (see Lingering). Reading stops at once.
  void close() override;
  // Drops what is queued and closes now (RST if possible).
  void abort() override;
  bool closing() const { return state_ != State::open; }

  void pause_reading() override;
  void resume_reading() override;
  // Calls the handler's on_drained() once, when nothing is left to send.
  void notify_when_drained() { notify_drained_ = true; }

  EventLoop& loop() override { return *loop_; }
  // "127.0.0.1:54321", for logs (looked up when asked: idle connections keep no copy).
  std::string peer() const override;
  // "127.0.0.1" or "::1": the client's address, for limits per address.
  std::string peer_ip() const override;

  // Counts this connection under the connection limits until it closes (net/admission.h).
  void hold_place(AdmissionPlace* place) { place_ = place; }

  // Called by EventLoop at the end of the turn: sends what is queued, as
  // part of `batch` when it can take it (the loop then runs the batch and
  // hands the result to finish_write), else at once.
  void flush(SendBatch& batch);
  void finish_write(const SendBatch::Send& send);

  // Gives back the write queue's memory when it is empty (called once a
  // second: a busy connection keeps it between messages, an idle one pays nothing).
  void trim();

  // Connections open now, all loops.
  static int64_t open_count();

  // Every open connection of a loop, for ticks and shutdown.
  static void for_each(EventLoop& loop, void (*fn)(Connection&, int64_t), int64_t arg);

  // The loop's Poller reports this connection's socket ready (`target` is the
  // connection, `events` EPOLL* flags). A closed connection ignores it: the
  // loop frees it only after the events that may name it were dispatched.
  static void on_events(void* target, uint32_t events);
  // Tells the handler and frees the connection, once the loop is outside any
  // of its callbacks (EventLoop calls it for each connection closed meanwhile).
  void release();
  // Closes every connection of a loop at once, as it stops.
  static void close_all(EventLoop& loop);

 private:
  enum class State : uint8_t { open, closing_after_flush, lingering, closed };
  // A filtered connection's handler output waits here until the flush seals
  // it: one seal (one TLS record run) per connection per flush.
  struct Filtered {
    std::unique_ptr<StreamFilter> filter;
    std::vector<OutChunk> unsealed;
  };

  Connection(EventLoop& loop, int fd) : loop_(&loop), fd_(fd) {}
  ~Connection();
  // connection_write.cpp
  // Adds the queue's first chunks to `batch` (gathered into one buffer of the
  // batch's when several); false when the batch cannot take them.
  bool add_to(SendBatch& batch);
  size_t bytes_of(size_t count) const;  // of the first `count` queued chunks
  void gather_into(char* buffer, size_t count) const;
  void start_write();
  void complete_write(size_t written, size_t count, size_t total);
  void keep_rest(size_t written);
  void on_writable();
  void drained();
  // connection.cpp
  void read_once();
  void finish_close();
  void close_socket(bool reset);
  uint32_t wanted_events() const;
  void watch(uint32_t before);
  void link();
  void unlink();
  // connection_filter.cpp
  void receive_filtered(std::string_view bytes);
  void send_wire(std::string bytes);
  void seal();
  void finish_filter();

  EventLoop* loop_;
  std::unique_ptr<Handler> handler_;
  std::vector<OutChunk> queued_;
  std::unique_ptr<Filtered> filtered_;  // only with TLS
  // Packed: an idle connection's size is what idle connections cost.
  uint32_t pending_bytes_ = 0;  // bounded far below 4 GiB by --max-pending-bytes
  int fd_;
  State state_ = State::open;
  bool flush_scheduled_ = false;
  bool reading_ : 1 = false;            // watched for EPOLLIN
  bool awaiting_writable_ : 1 = false;  // watched for EPOLLOUT: the kernel left part of a write
  bool watched_ : 1 = false;            // in the loop's Poller
  bool released_ : 1 = false;
  bool notify_drained_ : 1 = false;
  Connection* prev_ = nullptr;
  Connection* next_ = nullptr;
  AdmissionPlace* place_ = nullptr;
};

}  // namespace pushwire::net
