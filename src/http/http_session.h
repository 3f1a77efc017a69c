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
#include "util/back_reference.h"
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

// What every HTTP/1.1 connection of a server shares, referred to once by each.
struct HttpSite {
  const Router& router;
  const CorsPolicy& cors;
  const HttpSettings& settings;
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
  HttpSession(net::Connection& connection, const HttpSite& site);
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
  const CorsPolicy& cors() const override { return site_.cors; }
  void send_raw(std::string bytes) override;
  void upgrade(std::unique_ptr<net::Connection::Handler> handler) override;
  net::ByteStream* open_tunnel(ResponseHead) override { return nullptr; }

 private:
  void process();
  void process_later();
  void dispatch(Request request);
  void reject(const RequestParser::Result& result);
  void answer_and_close(int status, std::string_view code, std::string_view message);
  bool output_backed_up() const { return connection_.pending_bytes() > site_.settings.max_pending_bytes; }
  void exchange_finished(bool keep_alive);
  bool answering() const { return exchange_ && !exchange_done_; }
  void drop_finished_exchange();

  // What only the reading of requests needs: made by received bytes, freed
  // once they are all parsed and no request is half read, so that a
  // connection holding a stream open, or waiting between requests, keeps none.
  struct Reading {
    explicit Reading(const ParserLimits& limits) : parser(limits) {}
    Reading(const Reading&) = delete;
    Reading& operator=(const Reading&) = delete;
    ~Reading() {
      if (deferred) deferred->release();
    }
    RequestParser parser;
    std::string pending;          // received bytes not parsed yet
    int64_t head_started_ms = 0;  // when a request's head began to arrive; 0 between requests
    // Lets the deferred taking of pending requests see that they, or the
    // session, are gone; made when first needed.
    util::BackReference<HttpSession>* deferred = nullptr;
  };
  Reading& reading();
  void finish_reading();

  net::Connection& connection_;
  const HttpSite& site_;
  std::unique_ptr<Reading> reading_;
  // The request being answered; once answered (exchange_done_), kept until
  // no callback of it can be running, and destroyed by the next read or request.
  std::unique_ptr<Exchange> exchange_;
  int64_t last_activity_ms_;
  bool exchange_done_ = false;
  bool processing_ = false;
  bool closing_ = false;
  bool upgraded_ = false;
};

}  // namespace pushwire::http
