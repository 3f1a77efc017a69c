// HttpSession as its exchanges' carrier: responses written as HTTP/1.1.
#include "http/http_session.h"

namespace pushwire::http {

void HttpSession::send_response(ResponseHead head, BodyFraming framing, size_t content_length, std::string body,
                                bool keep_alive) {
  std::string out = std::move(head).finish(framing, content_length, keep_alive);
  out += body;
  connection_.write(std::move(out));
  exchange_finished(keep_alive);
}

void HttpSession::start_body(ResponseHead head, BodyFraming framing, bool keep_alive) {
  connection_.write(std::move(head).finish(framing, 0, keep_alive));
}

void HttpSession::send_body(net::OutChunk bytes) { connection_.write(std::move(bytes)); }

void HttpSession::end_body(BodyFraming framing, bool keep_alive) {
  if (framing == BodyFraming::chunked) connection_.write(net::OutChunk::literal(kLastChunk));
  exchange_finished(keep_alive);
}

void HttpSession::abort() { connection_.abort(); }

size_t HttpSession::pending_bytes() const { return connection_.pending_bytes(); }

void HttpSession::send_raw(std::string bytes) { connection_.write(std::move(bytes)); }

}  // namespace pushwire::http
