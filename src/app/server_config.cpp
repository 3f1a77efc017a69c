#include "app/server_config.h"

#include "app/options.h"
#include "auth/jwt.h"

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
}  // namespace

ServerConfig make_server_config(const Options& options) {
  ServerConfig config;
  config.host = options.listen_host;
  config.port = options.listen_port;
  config.threads = options.threads;
  config.static_dir = options.static_dir;
  config.history.max_messages = options.history;
  config.history.ttl_ms = static_cast<int64_t>(options.history_ttl_s * 1000);
  config.http.limits.max_header_bytes = 16 * 1024;
  config.http.limits.max_body_bytes = options.max_message_bytes;
  config.http.idle_timeout_ms = static_cast<int64_t>(options.idle_timeout_s * 1000);
  config.cors = http::CorsPolicy(options.allow_origins);
  config.transports.max_message_bytes = options.max_message_bytes;
  config.transports.heartbeat_ms = static_cast<int64_t>(options.heartbeat_s * 1000);
  config.transports.max_pending_bytes = options.max_pending_bytes;
  config.transports.ws_deflate = options.ws_deflate;
  config.transports.access = auth::Access(make_verifier(options), options.publish_key, options.public_channels);
  if (!options.redis_url.empty()) {
    std::string error;  // checked when the flag was read
    config.redis = broker::parse_redis_url(options.redis_url, error);
  }
  return config;
}

}  // namespace pushwire::app
