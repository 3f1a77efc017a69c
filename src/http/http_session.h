#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "http/cors.h"
#include "http/exchange.h"
#include "http/exchange_carrier.h"
#include "http/request_parser.h"
#include "http/router.h"
#include "net/connection.h"
#include "util/metrics.h"
#include "util/slab_pool.h"

namespace pushwire::http {

struct HttpSettings {
  ParserLimits limits;
  int64_t idle_timeout_ms = 60'000;
  int64_t header_timeout_ms = 10'000;
  size_t max_pending_bytes = 1 << 20;  // stop taking pipelined requests while more than this waits to be sent
  util::Metrics* metrics = nullptr;    // counts header timeouts
};

// HTTP/1.1 on one connection: parses requests, hands each to the router and
// answers them in order. While a response is open (a long-poll, a stream)
// further pipelined requests wait, but reading goes on so that a client who
// leaves is noticed at once. Pipelined requests also wait while more than
// max_pending_bytes of answers are unsent, so a client that never reads
// cannot make the server queue without end.
class HttpSession final : public net::Connection::Handler,
                          public ExchangeCarrier,
                          public util::SlabAllocated<HttpSession> {
 public:
  HttpSession(net::Connection& connection, const Router& router, const CorsPolicy& cors, const HttpSettings& settings);
  ~HttpSession() override;

  void on_read(std::string_view bytes) override;
  void on_closed() override;
  void on_drained() override;
  void on_tick(int64_t now_ms) override;
  void on_shutdown() override;

  // ExchangeCarrier (http_session_carrier.cpp): the response as HTTP/1.1 bytes.
  void send_response(ResponseHead head, BodyFraming framing, size_t content_length, std::string body,
                     bool keep_alive) override;
  void start_body(ResponseHead head, BodyFraming framing, size_t content_length, bool keep_alive) override;
  void send_body(net::OutChunk bytes) override;
  void end_body(BodyFraming framing, bool keep_alive) override;
  void abort() override;
  size_t pending_bytes() const override;
  net::Connection& connection() override { return connection_; }
  const CorsPolicy& cors() const override { return cors_; }
  void send_raw(std::string bytes) override;
  void upgrade(std::unique_ptr<net::Connection::Handler> handler) override;
  net::ByteStream* open_tunnel(ResponseHead) override { return nullptr; }

 private:
  void process();
  void process_later();
  void dispatch(Request request);
  void reject(const RequestParser::Result& result);
  void answer_and_close(int status, std::string_view code, std::string_view message);
  bool output_backed_up() const { return connection_.pending_bytes() > settings_.max_pending_bytes; }
  void exchange_finished(bool keep_alive);

  net::Connection& connection_;
  const Router& router_;
  const CorsPolicy& cors_;
  const HttpSettings& settings_;
  RequestParser parser_;
  std::string pending_;                 // received bytes not parsed yet
  std::unique_ptr<Exchange> exchange_;  // the request being answered
  std::unique_ptr<Exchange> finished_exchange_;  // answered; destroyed once its callbacks returned
  int64_t last_activity_ms_;
  int64_t head_started_ms_ = 0;         // when a request's head began to arrive; 0 between requests
  std::shared_ptr<bool> alive_;         // lets deferred work see that this session is gone; made when first needed
  bool processing_ = false;
  bool closing_ = false;
  bool upgraded_ = false;
};

}  // namespace pushwire::http
