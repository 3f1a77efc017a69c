#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "http/exchange.h"
#include "http/exchange_carrier.h"
#include "http/request.h"

namespace pushwire::http2 {

class FrameOutput;
class Http2Session;

// One HTTP/2 request stream: it collects the request from HEADERS and DATA,
// then carries its Exchange's response as HEADERS and DATA frames. Body
// bytes wait here until flow control lets nghttp2 take them; their count is
// this response's pending bytes, so a slow stream is reset on its own.
// After an RFC 8441 extended CONNECT the stream is a tunnel: a ByteStream
// for the protocol inside (WebSocket), whose handler reads the DATA.
class Http2Stream final : public http::ExchangeCarrier, public net::ByteStream {
 public:
  Http2Stream(Http2Session& session, int32_t id) : session_(session), id_(id) {}
  ~Http2Stream() override;

  // Request parts, as nghttp2 delivers them (names lower-case and checked).
  void add_header(std::string_view name, std::string_view value);
  void add_body(std::string_view bytes);
  // The request is complete (an extended CONNECT: its head is): answers it through the router.
  void dispatch();
  bool is_connect() const { return connect_; }
  bool dispatched() const { return exchange_ != nullptr; }
  // The client ended its side after the request (a tunnel's): the tunnel ends too.
  void client_ended() {
    if (tunnel_) close();
  }
  void on_tick(int64_t now_ms);
  void on_shutdown();

  // nghttp2's data source: how many body bytes (up to `length`) the next
  // DATA frame carries, with `done` set when they end the body; or -1 when
  // it must wait for more. send_body_bytes then queues them, uncopied.
  long body_ready(size_t length, bool& done) const;
  void send_body_bytes(size_t length, FrameOutput& out);

  // http::ExchangeCarrier
  void send_response(http::ResponseHead head, http::BodyFraming framing, size_t content_length, std::string body,
                     bool keep_alive) override;
  void start_body(http::ResponseHead head, http::BodyFraming framing, size_t content_length, bool keep_alive) override;
  void send_body(net::OutChunk bytes) override;
  void end_body(http::BodyFraming framing, bool keep_alive) override;
  void abort() override;
  size_t pending_bytes() const override { return pending_bytes_; }
  net::Connection& connection() override;
  const http::CorsPolicy& cors() const override;
  void send_raw(std::string bytes) override {}
  void upgrade(std::unique_ptr<net::Connection::Handler> handler) override { tunnel_ = std::move(handler); }
  net::ByteStream* open_tunnel(http::ResponseHead head) override;

  // net::ByteStream, once a tunnel (abort and pending_bytes as above)
  void write(net::OutChunk chunk) override { send_body(std::move(chunk)); }
  void close() override { end_body(http::BodyFraming::until_close, false); }
  net::EventLoop& loop() override;
  std::string peer() const override;
  std::string peer_ip() const override;

 private:
  // Why the request cannot be served as received, or "" (then `status` is unused).
  std::string request_problem(int& status, std::string_view& code);
  void submit(const http::ResponseHead& head, std::string_view content_length, bool with_body);

  Http2Session& session_;
  const int32_t id_;
  http::Request request_;
  size_t header_bytes_ = 0;
  bool body_too_large_ = false;
  bool connect_ = false;
  std::unique_ptr<http::Exchange> exchange_;
  std::deque<net::OutChunk> body_;
  size_t body_offset_ = 0;  // into body_.front(), taken already
  size_t pending_bytes_ = 0;
  bool body_ended_ = false;
  std::unique_ptr<net::Connection::Handler> tunnel_;  // last: it goes before the stream it writes to
};

}  // namespace pushwire::http2
