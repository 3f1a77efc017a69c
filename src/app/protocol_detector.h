#pragma once
#include <cstdint>
#include <string>

#include "http/cors.h"
#include "http/http_session.h"
#include "http/router.h"
#include "http2/http2_session.h"
#include "net/connection.h"
#include "util/metrics.h"

namespace pushwire::app {

// What a connection's protocol handlers are made with.
struct ProtocolStack {
  http::HttpSite http;
  const http2::Http2Settings* http2;  // nullptr: HTTP/1.1 only
  int64_t tls_handshake_timeout_ms;
  util::Metrics& metrics;
};

// The first handler of every accepted connection: it waits for the first
// bytes (over TLS, the handshake comes first) and hands the connection to
// the protocol they start: HTTP/2 when TLS agreed on "h2" or a cleartext
// client opens with the HTTP/2 preface, else HTTP/1.1. Until then it
// enforces the deadlines: the TLS handshake's, so that a stalled handshake
// is cut off, and the idle timeout.
class ProtocolDetector final : public net::Connection::Handler {
 public:
  ProtocolDetector(net::Connection& connection, const ProtocolStack& stack);

  void on_read(std::string_view bytes) override;
  void on_tick(int64_t now_ms) override;
  void on_shutdown() override;

 private:
  net::Connection& connection_;
  const ProtocolStack& stack_;
  int64_t accepted_ms_;
  std::string held_;  // the start of a cleartext HTTP/2 preface, until it is whole
};

}  // namespace pushwire::app
