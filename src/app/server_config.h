#pragma once
#include <optional>
#include <string>

#include "broker/redis_url.h"
#include "core/history.h"
#include "http/cors.h"
#include "http/http_session.h"
#include "net/admission.h"
#include "http2/http2_session.h"
#include "tls/server_context.h"
#include "transports/settings.h"

namespace pushwire::app {

// The parts of Options each layer is given, resolved once at start.
struct ServerConfig {
  std::string host;
  uint16_t port = 8080;
  unsigned threads = 1;
  std::string static_dir;
  core::HistoryLimits history;
  http::HttpSettings http;
  http::CorsPolicy cors{{"*"}};
  transports::Settings transports;
  net::AdmissionLimits admission;
  double publish_rate = 0;  // publishes a second per address; 0: no limit
  std::optional<broker::RedisEndpoint> redis;  // none: the in-memory broker
  std::optional<tls::TlsFiles> tls;             // none: plain HTTP
  int64_t tls_handshake_timeout_ms = 10'000;
  std::optional<http2::Http2Settings> http2;  // none: HTTP/1.1 only
};

}  // namespace pushwire::app

namespace pushwire::app {
struct Options;
ServerConfig make_server_config(const Options& options);
}  // namespace pushwire::app
