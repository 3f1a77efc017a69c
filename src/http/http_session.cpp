#include "http/http_session.h"

#include "http/url.h"
#include "net/event_loop.h"
#include "util/log.h"

namespace pushwire::http {

namespace {
// Input kept while a response is open, before reading pauses.
constexpr size_t kMaxBufferedWhileBusy = 64 * 1024;
}  // namespace

HttpSession::HttpSession(net::Connection& connection, const HttpSite& site)
    : connection_(connection),
      site_(site),
      last_activity_ms_(connection.loop().now_ms()) {}

HttpSession::~HttpSession() = default;

HttpSession::Reading& HttpSession::reading() {
  if (!reading_) reading_ = std::make_unique<Reading>(site_.settings.limits);
  return *reading_;
}

void HttpSession::finish_reading() {
  if (!reading_) return;
  Reading& reading = *reading_;
  if (reading.pending.empty() && reading.parser.between_requests()) {
    reading_.reset();
  } else if (!reading.parser.reading_head()) {
    reading.head_started_ms = 0;
  } else if (!reading.head_started_ms) {
    reading.head_started_ms = connection_.loop().now_ms();
  }
}

void HttpSession::on_read(std::string_view bytes) {
  last_activity_ms_ = connection_.loop().now_ms();
  drop_finished_exchange();  // no callback of it can be running now
  if (closing_ || upgraded_) return;
  std::string& pending = reading().pending;
  pending.append(bytes);
  if (answering()) {
    if (pending.size() > kMaxBufferedWhileBusy) connection_.pause_reading();
    return;
  }
  process();
}

void HttpSession::process() {
  if (processing_) return;
  processing_ = true;
  while (!answering() && !closing_ && !upgraded_ && reading_ && !reading_->pending.empty()) {
    std::string& pending = reading_->pending;
    if (output_backed_up()) {  // on_drained() goes on
      connection_.notify_when_drained();
      if (pending.size() > kMaxBufferedWhileBusy) connection_.pause_reading();
      break;
    }
    const RequestParser::Result result = reading_->parser.feed(pending);
    pending.erase(0, result.consumed);
    if (result.error != ParseError::none) {
      reject(result);
      break;
    }
    if (result.expects_continue) connection_.write(net::OutChunk::literal("HTTP/1.1 100 Continue\r\n\r\n"));
    if (!result.request_ready) break;
    dispatch(reading_->parser.take_request());
    drop_finished_exchange();
  }
  finish_reading();
  processing_ = false;
}

// Called while the loop finishes its writes, when output queued now would
// wait for the next event: the next requests are taken in a task of their own.
void HttpSession::on_drained() {
  if (closing_ || upgraded_ || answering()) return;
  connection_.resume_reading();
  process_later();
}

void HttpSession::dispatch(Request request) {
  exchange_ = std::make_unique<Exchange>(*this, std::move(request));
  exchange_done_ = false;
  PW_LOG(debug, connection_.peer(), " ", exchange_->request().method, " ", redacted_target(exchange_->request().target));
  site_.router.dispatch(*exchange_);
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
  exchange_done_ = false;
  exchange_->respond_error(status, code, message);
}

void HttpSession::exchange_finished(bool keep_alive) {
  exchange_done_ = true;
  if (!keep_alive || closing_) {
    closing_ = true;
    connection_.close();
    return;
  }
  connection_.resume_reading();
  // process() goes on with the next request; or, without input waiting, the
  // next read does (and frees the finished exchange).
  if (processing_ || !reading_ || reading_->pending.empty()) return;
  // Finished from a callback of the exchange's own state with pipelined
  // requests waiting: go on later, once that state has returned.
  process_later();
}

void HttpSession::drop_finished_exchange() {
  if (!exchange_done_) return;
  exchange_.reset();
  exchange_done_ = false;
}

void HttpSession::process_later() {
  util::BackReference<HttpSession>*& deferred = reading().deferred;
  if (!deferred) deferred = new util::BackReference<HttpSession>(this);
  connection_.loop().defer([back = deferred->hold()] {
    HttpSession* self = back->redeem();
    if (!self) return;
    self->drop_finished_exchange();
    self->process();
  });
}

void HttpSession::upgrade(std::unique_ptr<net::Connection::Handler> handler) {
  upgraded_ = true;
  net::Connection::Handler* next = handler.get();
  std::string leftover = reading_ ? std::move(reading_->pending) : std::string();
  reading_.reset();
  connection_.set_handler(std::move(handler));  // this session is retired
  if (!leftover.empty()) next->on_read(leftover);
}

void HttpSession::on_closed() {
  closing_ = true;
  exchange_.reset();
  exchange_done_ = false;
}

void HttpSession::on_tick(int64_t now_ms) {
  if (answering()) {
    if (ExchangeState* state = exchange_->state()) state->on_tick(now_ms);
    return;
  }
  const int64_t head_started_ms = reading_ ? reading_->head_started_ms : 0;
  if (head_started_ms && now_ms - head_started_ms > site_.settings.header_timeout_ms) {
    if (site_.settings.metrics) site_.settings.metrics->refused(util::Refusal::header_timeout);
    answer_and_close(408, "request_timeout", "the request's headers did not arrive in time (--header-timeout)");
    return;
  }
  if (now_ms - last_activity_ms_ > site_.settings.idle_timeout_ms) {
    PW_LOG(debug, connection_.peer(), " idle, closing");
    closing_ = true;
    connection_.close();
  }
}

void HttpSession::on_shutdown() {
  closing_ = true;
  if (answering() && exchange_->state()) {
    exchange_->state()->on_shutdown();
    return;
  }
  if (!answering()) connection_.close();
}

}  // namespace pushwire::http
