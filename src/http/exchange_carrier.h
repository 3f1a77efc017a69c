#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "http/cors.h"
#include "http/response_head.h"
#include "net/byte_stream.h"
#include "net/connection.h"
#include "net/out_chunk.h"

namespace pushwire::http {

// What carries one Exchange's response: HTTP/1.1 on its connection
// (HttpSession), or one stream of an HTTP/2 connection. An Exchange, and
// every handler above it, does not know which.
class ExchangeCarrier {
 public:
  virtual ~ExchangeCarrier() = default;

  // A whole response: the head, and `body` unless it is empty (HEAD sends
  // none but states `content_length`). `keep_alive`: the connection may
  // carry another request afterwards.
  virtual void send_response(ResponseHead head, BodyFraming framing, size_t content_length, std::string body,
                             bool keep_alive) = 0;
  // The head of a response whose body follows through send_body.
  virtual void start_body(ResponseHead head, BodyFraming framing, bool keep_alive) = 0;
  // Body bytes, as given (with chunked framing, ready-made chunks).
  virtual void send_body(net::OutChunk bytes) = 0;
  // The streamed body is complete.
  virtual void end_body(BodyFraming framing, bool keep_alive) = 0;
  // Gives up the response unfinished (a slow subscriber): HTTP/1.1 cuts the
  // connection, HTTP/2 resets only the stream.
  virtual void abort() = 0;
  // Response bytes written but not yet sent.
  virtual size_t pending_bytes() const = 0;

  // The connection under it (HTTP/2: shared by every stream).
  virtual net::Connection& connection() = 0;
  virtual const CorsPolicy& cors() const = 0;

  // HTTP/1.1's protocol switch (WebSocket): `bytes` (the 101) go out as
  // they are and `handler` takes over the connection.
  virtual void send_raw(std::string bytes) = 0;
  virtual void upgrade(std::unique_ptr<net::Connection::Handler> handler) = 0;
  // RFC 8441's tunnel (HTTP/2 extended CONNECT): answers `head` and from then
  // on carries raw bytes both ways: the stream returned takes the handler's
  // output, and upgrade() names the handler that reads. nullptr where the
  // carrier has no such tunnel (HTTP/1.1).
  virtual net::ByteStream* open_tunnel(ResponseHead head) = 0;
};

}  // namespace pushwire::http
