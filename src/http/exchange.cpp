#include "http/exchange.h"

#include "http/http_session.h"

namespace pushwire::http {

net::Connection& Exchange::connection() { return session_.connection(); }
const CorsPolicy& Exchange::cors() const { return session_.cors(); }

void Exchange::respond(int status, std::string_view content_type, std::string body, const HeaderList& headers) {
  if (started_ || finished_) return;
  ResponseHead head(status);
  session_.cors().add_response_headers(request_, head);
  if (!content_type.empty()) head.add("Content-Type", content_type);
  head.add(headers);
  if (!head.has("Cache-Control")) head.add("Cache-Control", "no-store");
  const bool keep_alive = request_.keep_alive && status < 500;
  std::string out = std::move(head).finish(BodyFraming::content_length, body.size(), keep_alive);
  if (request_.method != "HEAD") out += body;
  connection().write(std::move(out));
  finished_ = true;
  session_.exchange_finished(keep_alive);
}

void Exchange::respond_error(int status, std::string_view code, std::string_view message,
                             const HeaderList& headers) {
  respond(status, "application/json", error_body(code, message), headers);
}

void Exchange::respond_preflight(std::string_view methods) {
  if (started_ || finished_) return;
  const std::string allowed = std::string(methods) + ", OPTIONS";
  ResponseHead head(204);
  session_.cors().add_preflight_headers(request_, allowed, head);
  head.add("Allow", allowed);
  connection().write(std::move(head).finish(BodyFraming::none, 0, request_.keep_alive));
  finished_ = true;
  session_.exchange_finished(request_.keep_alive);
}

void Exchange::start_stream(int status, std::string_view content_type, const HeaderList& headers,
                            BodyFraming framing) {
  if (started_ || finished_) return;
  ResponseHead head(status);
  session_.cors().add_response_headers(request_, head);
  head.add("Content-Type", content_type);
  head.add(headers);
  if (!head.has("Cache-Control")) head.add("Cache-Control", "no-store");
  framing_ = framing;
  started_ = true;
  const bool keep_alive = request_.keep_alive && framing == BodyFraming::chunked;
  connection().write(std::move(head).finish(framing, 0, keep_alive));
}

void Exchange::send(net::OutChunk bytes) {
  if (started_ && !finished_) connection().write(std::move(bytes));
}

void Exchange::end() {
  if (!started_ || finished_) return;
  finished_ = true;
  if (framing_ == BodyFraming::chunked) connection().write(net::OutChunk::literal(kLastChunk));
  session_.exchange_finished(framing_ == BodyFraming::chunked && request_.keep_alive);
}

void Exchange::send_raw(std::string bytes) { connection().write(std::move(bytes)); }

void Exchange::upgrade(std::unique_ptr<net::Connection::Handler> handler) {
  finished_ = true;
  session_.upgrade(std::move(handler));
}

void Exchange::abort() {
  finished_ = true;
  connection().abort();
}

}  // namespace pushwire::http
