#include "app/protocol_detector.h"

#include "http2/http2_session.h"
#include "net/event_loop.h"
#include "util/log.h"

namespace pushwire::app {

namespace {
// What an HTTP/2 client sends first (RFC 9113 section 3.4).
constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
}  // namespace

ProtocolDetector::ProtocolDetector(net::Connection& connection, const ProtocolStack& stack)
    : connection_(connection), stack_(stack), accepted_ms_(connection.loop().now_ms()) {}

void ProtocolDetector::on_read(std::string_view bytes) {
  bool http2 = false;
  if (stack_.http2) {
    if (const net::StreamFilter* filter = connection_.filter()) {
      http2 = filter->protocol() == "h2";
    } else {
      // Cleartext HTTP/2 with prior knowledge (h2c): the preface may come in pieces.
      held_.append(bytes);
      bytes = held_;
      const size_t seen = std::min(bytes.size(), kHttp2Preface.size());
      http2 = bytes.substr(0, seen) == kHttp2Preface.substr(0, seen);
      if (http2 && seen < kHttp2Preface.size()) return;
    }
  }
  std::unique_ptr<net::Connection::Handler> next;
  if (http2) {
    next = std::make_unique<http2::Http2Session>(connection_, stack_.http.router, stack_.http.cors, *stack_.http2);
  } else {
    next = std::make_unique<http::HttpSession>(connection_, stack_.http);
  }
  net::Connection::Handler* handler = next.get();
  const std::string input(bytes);  // `held_` goes with this detector
  connection_.set_handler(std::move(next));  // this detector is retired
  handler->on_read(input);
}

void ProtocolDetector::on_tick(int64_t now_ms) {
  const net::StreamFilter* filter = connection_.filter();
  if (filter && !filter->established()) {
    if (now_ms - accepted_ms_ <= stack_.tls_handshake_timeout_ms) return;
    PW_LOG(debug, connection_.peer(), " TLS handshake not done in time, closing");
    util::Metrics::add(stack_.metrics.tls_handshake_timeouts_total);
    connection_.abort();
    return;
  }
  if (now_ms - accepted_ms_ > stack_.http.settings.idle_timeout_ms) connection_.close();
}

void ProtocolDetector::on_shutdown() { connection_.close(); }

}  // namespace pushwire::app
