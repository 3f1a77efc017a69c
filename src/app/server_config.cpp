#include "app/server_config.h"

#include <sys/resource.h>

#include <algorithm>

#include "app/options.h"
#include "auth/jwt.h"

#include <algorithm>

namespace pushwire::app {

namespace {
std::shared_ptr<const auth::JwtVerifier> make_verifier(const Options& options) {
  std::optional<auth::VerificationKey> key;
  if (!options.jwt_secret.empty()) {
    key = auth::VerificationKey::from_secret(options.jwt_secret);
  } else if (!options.jwt_public_key_pem.empty()) {
    std::string error;  // checked when the flag was read
    key = auth::VerificationKey::from_public_pem(options.jwt_public_key_pem, error);
  }
  if (!key) return nullptr;
  auth::ClaimRules rules{options.jwt_issuer, options.jwt_audience};
  return std::make_shared<const auth::JwtVerifier>(std::move(*key), std::move(rules), options.max_token_bytes);
}

// Descriptors kept back from --max-connections' default for what is not a
// client connection: listeners, event-loop handles, Redis links, static files
// being sent, and connections being turned away.
constexpr int64_t kDescriptorMargin = 256;

int64_t default_max_connections() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1'000'000;
  const auto open_files = static_cast<int64_t>(limit.rlim_cur);
  return open_files > 2 * kDescriptorMargin ? open_files - kDescriptorMargin : std::max<int64_t>(1, open_files / 2);
}
}  // namespace

ServerConfig make_server_config(const Options& options) {
  ServerConfig config;
  config.host = options.listen_host;
  config.port = options.listen_port;
  config.threads = options.threads;
  config.static_dir = options.static_dir;
  config.static_max_bytes = options.static_max_bytes;
  config.linger_ms = static_cast<int64_t>(options.linger_s * 1000);
  config.history.max_messages = options.history;
  config.history.ttl_ms = static_cast<int64_t>(options.history_ttl_s * 1000);
  config.http.limits.max_header_bytes = 16 * 1024;
  config.http.limits.max_body_bytes = options.max_message_bytes;
  config.http.idle_timeout_ms = static_cast<int64_t>(options.idle_timeout_s * 1000);
  config.http.header_timeout_ms = static_cast<int64_t>(options.header_timeout_s * 1000);
  config.history.max_total_bytes = options.history_bytes;
  config.history.last_id_ttl_ms = static_cast<int64_t>(options.redis_last_id_ttl_s * 1000);
  config.admission.max_connections = options.max_connections ? options.max_connections : default_max_connections();
  config.admission.max_per_address = options.max_connections_per_ip;
  config.publish_rate = options.publish_rate;
  config.transports.max_channels_per_client = options.max_channels_per_client;
  config.transports.max_session_buffer_bytes = options.max_session_buffer_bytes;
  config.transports.session_grace_ms = static_cast<int64_t>(options.session_grace_s * 1000);
  config.cors = http::CorsPolicy(options.allow_origins);
  config.transports.max_message_bytes = options.max_message_bytes;
  config.transports.heartbeat_ms = static_cast<int64_t>(options.heartbeat_s * 1000);
  // Ticks a quarter of a heartbeat apart (at most a second), so a heartbeat is
  // never more than an eighth of its interval early or late.
  config.transports.tick_ms = std::clamp<int64_t>(config.transports.heartbeat_ms / 4, 50, 1000);
  config.transports.max_pending_bytes = options.max_pending_bytes;
  config.http.max_pending_bytes = options.max_pending_bytes;
  config.transports.ws_deflate = options.ws_deflate;
  config.transports.access = auth::Access(make_verifier(options), options.publish_key, options.public_channels);
  if (!options.tls_cert.empty()) config.tls = tls::TlsFiles{options.tls_cert, options.tls_key};
  config.tls_handshake_timeout_ms = static_cast<int64_t>(options.tls_handshake_timeout_s * 1000);
  if (options.http2) {
    config.http2.emplace();
    config.http2->max_concurrent_streams = options.http2_max_streams;
    config.http2->max_header_bytes = config.http.limits.max_header_bytes;
    config.http2->max_body_bytes = options.max_message_bytes;
    config.http2->idle_timeout_ms = config.http.idle_timeout_ms;
  }
  config.max_sessions = options.max_sessions;
  if (!options.redis_url.empty()) {
    std::string error;  // checked when the flag was read
    config.redis = broker::parse_redis_url(options.redis_url, error);
    config.redis->ca_file = options.redis_ca;
  }
  return config;
}

}  // namespace pushwire::app
