#pragma once
#include <cstddef>
#include <string>

#include "net/out_chunk.h"

namespace pushwire::net {

class EventLoop;

// Where a protocol that owns a whole byte stream (WebSocket) writes: a
// Connection, or one HTTP/2 stream tunnelled by RFC 8441 extended CONNECT.
class ByteStream {
 public:
  virtual void write(OutChunk chunk) = 0;
  void write(std::string bytes) { write(OutChunk::take(std::move(bytes))); }
  // Bytes written but not sent yet.
  virtual size_t pending_bytes() const = 0;
  // Sends what is queued, then ends the stream.
  virtual void close() = 0;
  // Ends the stream now, dropping what is queued.
  virtual void abort() = 0;
  virtual EventLoop& loop() = 0;
  virtual std::string peer() const = 0;
  // The client's address alone, for limits per address.
  virtual std::string peer_ip() const = 0;
  // A hint that write() comes soon.
  virtual void prefetch_for_write() const {}
  // Holds back what the peer sends, and lets it in again. A stream that
  // shares its connection with others (HTTP/2) cannot, and ignores these.
  virtual void pause_reading() {}
  virtual void resume_reading() {}

 protected:
  ~ByteStream() = default;
};

}  // namespace pushwire::net
