#include "http/exchange.h"

namespace pushwire::http {

void Exchange::respond(int status, std::string_view content_type, std::string body, const HeaderList& headers) {
  if (started_ || finished_) return;
  ResponseHead head(status);
  if (cors_) cors().add_response_headers(*request_, head);
  if (!content_type.empty()) head.add("Content-Type", content_type);
  head.add(headers);
  if (!head.has("Cache-Control")) head.add("Cache-Control", "no-store");
  const bool keep_alive = keep_alive_ && status < 500;
  const size_t length = body.size();
  if (request_->method == "HEAD") body.clear();
  finished_ = true;
  carrier_.send_response(std::move(head), BodyFraming::content_length, length, std::move(body), keep_alive);
}

void Exchange::respond_error(int status, std::string_view code, std::string_view message,
                             const HeaderList& headers) {
  respond(status, "application/json", error_body(code, message), headers);
}

void Exchange::respond_preflight(std::string_view methods) {
  if (started_ || finished_) return;
  const std::string allowed = std::string(methods) + ", OPTIONS";
  ResponseHead head(204);
  if (cors_) cors().add_preflight_headers(*request_, allowed, head);
  head.add("Allow", allowed);
  finished_ = true;
  carrier_.send_response(std::move(head), BodyFraming::none, 0, {}, keep_alive_);
}

void Exchange::start_stream(int status, std::string_view content_type, const HeaderList& headers,
                            BodyFraming framing, uint64_t content_length) {
  if (started_ || finished_) return;
  ResponseHead head(status);
  if (cors_) cors().add_response_headers(*request_, head);
  head.add("Content-Type", content_type);
  head.add(headers);
  if (!head.has("Cache-Control")) head.add("Cache-Control", "no-store");
  framing_ = framing;
  started_ = true;
  carrier_.start_body(std::move(head), framing, content_length, keep_alive_ && delimits_body(framing));
}

void Exchange::send(net::OutChunk bytes) {
  if (started_ && !finished_) carrier_.send_body(std::move(bytes));
}

void Exchange::end() {
  if (!started_ || finished_) return;
  finished_ = true;
  carrier_.end_body(framing_, delimits_body(framing_) && keep_alive_);
}

void Exchange::send_raw(std::string bytes) { carrier_.send_raw(std::move(bytes)); }

void Exchange::upgrade(std::unique_ptr<net::Connection::Handler> handler) {
  finished_ = true;
  carrier_.upgrade(std::move(handler));
}

net::ByteStream* Exchange::open_tunnel(const HeaderList& headers) {
  if (started_ || finished_) return nullptr;
  ResponseHead head(200);
  cors().add_response_headers(*request_, head);
  head.add(headers);
  net::ByteStream* stream = carrier_.open_tunnel(std::move(head));
  started_ = stream != nullptr;
  return stream;
}

void Exchange::abort() {
  finished_ = true;
  carrier_.abort();
}

}  // namespace pushwire::http
