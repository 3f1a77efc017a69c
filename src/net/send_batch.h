#pragma once
#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pushwire::net {

class Connection;

// Sends to many sockets in one system call: the loop's flush of a turn's
// connections goes through one io_uring submission instead of one `send`
// each. A fan-out's writes are small and their cost is mostly fixed, and on
// machines whose kernel entry is expensive (retpolines, return-stack
// mitigations) the entry and exit of each `send` are a visible part of it.
//
// Without io_uring (an old kernel, a container profile that forbids it)
// available() is false and connections send on their own, as they do for a
// batch of one.
class SendBatch {
 public:
  // What one connection sends, and what it needs to account for the result.
  struct Send {
    Connection* connection;
    int fd;
    const char* data;
    uint32_t bytes;
    uint32_t chunks;  // queued chunks these bytes cover
    ssize_t result;   // bytes the kernel took, 0 if none, -1 on an error
  };

  enum class Mode { kIoUringIfAvailable, kOneSendEach };
  explicit SendBatch(Mode mode = Mode::kIoUringIfAvailable);
  ~SendBatch();
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  bool available() const { return ring_ready_; }
  // Why io_uring is not used, for the log ("" when it is).
  const std::string& unavailable_reason() const { return unavailable_reason_; }

  // Room to gather `bytes` of small chunks into one buffer that stays until
  // clear(); nullptr when the batch has no room left.
  char* reserve(size_t bytes);
  // Whether another send fits.
  bool has_room() const { return sends_.size() < kMaxSends; }
  void add(const Send& send) {
    sends_.push_back(send);
    sends_.back().result = kPending;
  }

  // Sends everything added (the sockets are non-blocking: nothing waits) and
  // returns the sends with their results, valid until the next add().
  std::vector<Send>& run();
  // Forgets the sends run() returned; the gathering space is reused.
  void clear();

 private:
  static constexpr size_t kMaxSends = 128;
  static constexpr ssize_t kPending = -2;
  static constexpr size_t kGatherSpaceBytes = 256 * 1024;  // for all of a batch's gathered sends

  static void send_directly(Send& send);

  io_uring ring_{};
  bool ring_ready_ = false;
  std::string unavailable_reason_;
  std::vector<Send> sends_;
  std::unique_ptr<char[]> gathered_;  // made when first needed, never zeroed
  size_t gathered_used_ = 0;
};

}  // namespace pushwire::net
