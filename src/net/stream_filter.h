#pragma once
#include <span>
#include <string>
#include <string_view>

#include "net/out_chunk.h"

namespace pushwire::net {

// A layer between a Connection's socket and its handler that changes the
// bytes both ways (TLS). The handler sees and writes only the inner bytes,
// so no protocol above net/ knows whether one is there.
class StreamFilter {
 public:
  virtual ~StreamFilter() = default;

  // Bytes from the peer: appends what the handler is to get to `inner` and
  // what must go back to the peer at once (handshake messages, alerts) to
  // `reply`. False when the stream cannot go on; `reply` may still hold an
  // alert to send before closing.
  virtual bool receive(std::string_view bytes, std::string& inner, std::string& reply) = 0;
  // Whether the handler's bytes can be sealed yet (TLS: the handshake is done).
  virtual bool established() const = 0;
  // Appends the wire form of the handler's `chunks` to `wire`; false on an error.
  virtual bool seal(std::span<const OutChunk> chunks, std::string& wire) = 0;
  // Appends what announces the end of the stream (TLS: close_notify).
  virtual void finish(std::string& wire) = 0;
  // The application protocol agreed in the handshake ("h2", "http/1.1"), or "".
  virtual std::string_view protocol() const = 0;
};

}  // namespace pushwire::net
