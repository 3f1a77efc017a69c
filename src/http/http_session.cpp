#include "http/http_session.h"

#include "http/url.h"
#include "net/event_loop.h"
#include "util/log.h"

namespace pushwire::http {

namespace {
// Input kept while a response is open, before reading pauses.
constexpr size_t kMaxBufferedWhileBusy = 64 * 1024;
}  // namespace

HttpSession::HttpSession(net::Connection& connection, const Router& router, const CorsPolicy& cors,
                         const HttpSettings& settings)
    : connection_(connection),
      router_(router),
      cors_(cors),
      settings_(settings),
      parser_(settings.limits),
      last_activity_ms_(connection.loop().now_ms()) {}

HttpSession::~HttpSession() = default;

void HttpSession::on_read(std::string_view bytes) {
  last_activity_ms_ = connection_.loop().now_ms();
  finished_exchange_.reset();  // no callback of it can be running now
  if (closing_ || upgraded_) return;
  pending_.append(bytes);
  if (exchange_) {
    if (pending_.size() > kMaxBufferedWhileBusy) connection_.pause_reading();
    return;
  }
  process();
}

void HttpSession::process() {
  if (processing_) return;
  processing_ = true;
  while (!exchange_ && !closing_ && !upgraded_ && !pending_.empty()) {
    if (output_backed_up()) {  // on_drained() goes on
      connection_.notify_when_drained();
      if (pending_.size() > kMaxBufferedWhileBusy) connection_.pause_reading();
      break;
    }
    const RequestParser::Result result = parser_.feed(pending_);
    pending_.erase(0, result.consumed);
    if (result.error != ParseError::none) {
      reject(result);
      break;
    }
    if (result.expects_continue) connection_.write(net::OutChunk::literal("HTTP/1.1 100 Continue\r\n\r\n"));
    if (!result.request_ready) break;
    dispatch(parser_.take_request());
    finished_exchange_.reset();
  }
  // A stream or an idle keep-alive connection keeps no buffer of parsed bytes.
  if (pending_.empty()) std::string().swap(pending_);
  if (!parser_.reading_head()) head_started_ms_ = 0;
  else if (!head_started_ms_) head_started_ms_ = connection_.loop().now_ms();
  processing_ = false;
}

// Called while the loop finishes its writes, when output queued now would
// wait for the next event: the next requests are taken in a task of their own.
void HttpSession::on_drained() {
  if (closing_ || upgraded_ || exchange_) return;
  connection_.resume_reading();
  process_later();
}

void HttpSession::dispatch(Request request) {
  exchange_ = std::make_unique<Exchange>(*this, std::move(request));
  PW_LOG(debug, connection_.peer(), " ", exchange_->request().method, " ", redacted_target(exchange_->request().target));
  router_.dispatch(*exchange_);
}

void HttpSession::reject(const RequestParser::Result& result) {
  int status = 400;
  std::string_view code = "bad_request";
  if (result.error == ParseError::headers_too_large) {
    status = 431;
    code = "headers_too_large";
  } else if (result.error == ParseError::body_too_large) {
    status = 413;
    code = "too_large";
  }
  answer_and_close(status, code, result.error_reason.empty() ? status_reason(status) : result.error_reason);
}

void HttpSession::answer_and_close(int status, std::string_view code, std::string_view message) {
  PW_LOG_LIMITED("refused requests", info, connection_.peer(), " refused (", status, "): ", message);
  closing_ = true;
  Request none;
  none.keep_alive = false;
  exchange_ = std::make_unique<Exchange>(*this, std::move(none));
  exchange_->respond_error(status, code, message);
}

void HttpSession::exchange_finished(bool keep_alive) {
  finished_exchange_ = std::move(exchange_);
  if (!keep_alive || closing_) {
    closing_ = true;
    connection_.close();
    return;
  }
  connection_.resume_reading();
  // process() goes on with the next request; or, without input waiting, the
  // next read does (and frees the finished exchange).
  if (processing_ || pending_.empty()) return;
  // Finished from a callback of the exchange's own state with pipelined
  // requests waiting: go on later, once that state has returned.
  process_later();
}

void HttpSession::process_later() {
  if (!alive_) alive_ = std::make_shared<bool>(true);
  connection_.loop().defer([self = this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    self->finished_exchange_.reset();
    self->process();
  });
}

void HttpSession::upgrade(std::unique_ptr<net::Connection::Handler> handler) {
  upgraded_ = true;
  net::Connection::Handler* next = handler.get();
  std::string leftover = std::move(pending_);
  connection_.set_handler(std::move(handler));  // this session is retired
  if (!leftover.empty()) next->on_read(leftover);
}

void HttpSession::on_closed() {
  closing_ = true;
  exchange_.reset();
  finished_exchange_.reset();
}

void HttpSession::on_tick(int64_t now_ms) {
  if (exchange_) {
    if (ExchangeState* state = exchange_->state()) state->on_tick(now_ms);
    return;
  }
  if (head_started_ms_ && now_ms - head_started_ms_ > settings_.header_timeout_ms) {
    if (settings_.metrics) settings_.metrics->refused(util::Refusal::header_timeout);
    answer_and_close(408, "request_timeout", "the request's headers did not arrive in time (--header-timeout)");
    return;
  }
  if (now_ms - last_activity_ms_ > settings_.idle_timeout_ms) {
    PW_LOG(debug, connection_.peer(), " idle, closing");
    closing_ = true;
    connection_.close();
  }
}

void HttpSession::on_shutdown() {
  closing_ = true;
  if (exchange_ && exchange_->state()) {
    exchange_->state()->on_shutdown();
    return;
  }
  if (!exchange_) connection_.close();
}

}  // namespace pushwire::http
