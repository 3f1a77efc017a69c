#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/cors.h"
#include "http/exchange_carrier.h"
#include "http/request.h"
#include "http/response_head.h"
#include "net/connection.h"
#include "net/out_chunk.h"
#include "util/slab_pool.h"

namespace pushwire::http {

// What a handler keeps while its response is open (a subscription, a timer).
// The exchange owns it, so it is destroyed, and cleans up after itself, when
// the response ends or the client goes away.
class ExchangeState {
 public:
  virtual ~ExchangeState() = default;
  virtual void on_tick(int64_t now_ms) {}
  // The server is stopping: finish the response now.
  virtual void on_shutdown() = 0;
};

// One request and its response. A handler answers at once (respond*) or
// later: it holds state, and answers or streams when something happens.
// Its carrier puts the response on the wire as HTTP/1.1 or HTTP/2.
class Exchange : public util::SlabAllocated<Exchange> {
 public:
  Exchange(ExchangeCarrier& carrier, Request request)
      : carrier_(carrier), request_(std::make_unique<Request>(std::move(request))), keep_alive_(request_->keep_alive) {}

  // The request, until release_request().
  const Request& request() const { return *request_; }
  // Frees the request once its handler has read all it needs: a stream is
  // held open for hours, and its request (headers, query: hundreds of bytes,
  // kilobytes with many channels) would be kept for nothing.
  void release_request() { request_.reset(); }
  net::Connection& connection() { return carrier_.connection(); }
  const CorsPolicy& cors() const { return carrier_.cors(); }
  // This response's bytes written but not sent yet (the slow-subscriber rule).
  size_t pending_bytes() const { return carrier_.pending_bytes(); }

  // A whole response. CORS and Connection headers are added here.
  void respond(int status, std::string_view content_type, std::string body, const HeaderList& headers = {});
  void respond_json(int status, std::string body) { respond(status, "application/json", std::move(body)); }
  // {"error":CODE,"message":MESSAGE}
  void respond_error(int status, std::string_view code, std::string_view message, const HeaderList& headers = {});
  // 204 to a CORS preflight OPTIONS for a resource that allows `methods`.
  void respond_preflight(std::string_view methods);

  // A streamed response: headers now, body bytes with send(), end with end().
  // With chunked framing the caller sends ready-made chunks (so that one
  // encoded chunk can be shared by many responses); with content_length
  // framing, exactly `content_length` bytes.
  void start_stream(int status, std::string_view content_type, const HeaderList& headers, BodyFraming framing,
                    uint64_t content_length = 0);
  void send(net::OutChunk bytes);
  void end();

  // Replaces HTTP on this connection by another protocol (WebSocket). The
  // caller has sent the 101 through send_raw(); bytes the client sent after
  // the request go to the new handler.
  void send_raw(std::string bytes);
  void upgrade(std::unique_ptr<net::Connection::Handler> handler);
  // HTTP/2 extended CONNECT (RFC 8441): answers 200 with `headers` and
  // returns the stream the new protocol writes to, before upgrade() hands it
  // what the client sends; nullptr over HTTP/1.1.
  net::ByteStream* open_tunnel(const HeaderList& headers);

  // Gives up the response unfinished (a slow subscriber): over HTTP/1.1 the
  // connection is cut, over HTTP/2 only this stream.
  void abort();

  // This response is for pages of this origin only: no CORS headers.
  void without_cors() { cors_ = false; }

  void hold(std::unique_ptr<ExchangeState> state) { state_ = std::move(state); }
  ExchangeState* state() { return state_.get(); }
  bool finished() const { return finished_; }

 private:
  ExchangeCarrier& carrier_;
  std::unique_ptr<Request> request_;
  std::unique_ptr<ExchangeState> state_;
  BodyFraming framing_ = BodyFraming::content_length;
  bool keep_alive_;  // the request's, kept when it is released
  bool cors_ = true;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace pushwire::http
