#pragma once
#include <uv.h>

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

// One accepted TCP socket. Reads go to its Handler straight from the loop's
// shared buffer (an idle connection holds no read buffer of its own); writes
// are queued and leave in one system call per loop turn. It deletes itself once
// closed, after telling its handler.
class Connection final : public ByteStream, public util::SlabAllocated<Connection> {
 public:
  using Handler = ConnectionHandler;


  // Accepts a pending connection on `server`; nullptr if that failed.
  static Connection* accept(EventLoop& loop, uv_stream_t* server);

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

  EventLoop& loop() override { return *static_cast<EventLoop*>(tcp_.loop->data); }
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

 private:
  enum class State : uint8_t { open, closing_after_flush, lingering, closed };
  // A filtered connection's handler output waits here until the flush seals
  // it: one seal (one TLS record run) per connection per flush.
  struct Filtered {
    std::unique_ptr<StreamFilter> filter;
    std::vector<OutChunk> unsealed;
  };

  explicit Connection(EventLoop& loop);
  ~Connection();
  // Adds the queue's first chunks to `batch` (gathered into one buffer of the
  // batch's when several); false when the batch cannot take them.
  bool add_to(SendBatch& batch);
  size_t bytes_of(size_t count) const;  // of the first `count` queued chunks
  void gather_into(char* buffer, size_t count) const;
  uv_os_fd_t fd() const;
  void start_write();
  void complete_write(size_t written, size_t count, size_t total);
  void write_rest(size_t written);
  void finish_close();
  void drained();
  void close_handle(bool reset);
  void link();
  void unlink();
  // connection_filter.cpp
  void receive_filtered(std::string_view bytes);
  void send_wire(std::string bytes);
  void seal();
  void finish_filter();

  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown_done(uv_shutdown_t* req, int status);
  static void on_close(uv_handle_t* handle);

  uv_tcp_t tcp_;
  std::unique_ptr<Handler> handler_;
  struct PendingWrite;
  std::vector<OutChunk> queued_;
  std::unique_ptr<PendingWrite> in_flight_;  // only while the kernel would not take everything
  std::unique_ptr<Filtered> filtered_;       // only with TLS
  // Packed: an idle connection's size is what idle connections cost.
  uint32_t pending_bytes_ = 0;  // bounded far below 4 GiB by --max-pending-bytes
  State state_ = State::open;
  bool flush_scheduled_ = false;
  bool reading_ = false;
  bool released_ : 1 = false;
  bool notify_drained_ : 1 = false;
  Connection* prev_ = nullptr;
  Connection* next_ = nullptr;
  AdmissionPlace* place_ = nullptr;
};

}  // namespace pushwire::net
