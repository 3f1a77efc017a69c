#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/exchange.h"
#include "net/timer.h"

namespace pushwire::http {

// The body of a file, read on libuv's thread pool a piece at a time and sent
// as each piece arrives, so that neither a large file nor a slow disk holds
// up the loop, and memory per download stays about two pieces: the next
// piece is read only once the connection has sent most of the last one.
class FileSend final : public ExchangeState {
 public:
  // Whole-file answers: the exchange and the file's bytes.
  using Answer = std::function<void(Exchange&, std::string)>;

  // Takes `fd`, an open regular file of `size` bytes; the head was sent.
  static void start(Exchange& exchange, int fd, uint64_t size);
  // The same file read whole, the same way, before anything is sent:
  // `answer` then responds (a page whose head names its inline scripts' hashes).
  static void read_whole(Exchange& exchange, int fd, uint64_t size, Answer answer);
  ~FileSend() override;

  void on_shutdown() override;

 private:
  struct Read;
  FileSend(Exchange& exchange, int fd, uint64_t size, Answer answer);
  void read_next();
  void on_piece(ssize_t result, std::string piece);

  Exchange& exchange_;
  Answer answer_;      // empty: each piece is sent as it comes
  std::string whole_;  // with answer_, the pieces so far
  std::shared_ptr<const int> fd_;  // closed when neither this nor a read in flight holds it
  uint64_t size_;
  uint64_t offset_ = 0;
  Read* in_flight_ = nullptr;
  net::Timer wait_for_drain_;
};

}  // namespace pushwire::http
