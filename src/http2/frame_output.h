#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "net/connection.h"
#include "net/out_chunk.h"

namespace pushwire::http2 {

// One send pass of an HTTP/2 session, in order on its connection: the bytes
// nghttp2 makes (frames, DATA frame headers) copied into a shared block, and
// DATA payloads queued as the chunks they arrived in. A message's encoding
// is shared by every stream it goes to, so fan-out over HTTP/2 copies it per
// connection only where TLS seals it, as over HTTP/1.1.
class FrameOutput {
 public:
  explicit FrameOutput(net::Connection& connection) : connection_(connection) {}

  void copy(std::string_view bytes);
  void share(net::OutChunk chunk);
  // Ends the pass: what was copied goes to the connection too.
  void flush();

 private:
  void write_copied();

  net::Connection& connection_;
  // Appended to only within its capacity, so the chunks already queued on
  // it stay valid; a new block starts when it is full.
  std::shared_ptr<std::string> block_;
  size_t unwritten_ = 0;  // where block_'s bytes not yet queued start
};

}  // namespace pushwire::http2
