#include "app/server_config.h"

#include "app/options.h"

namespace pushwire::app {

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
  config.transports.publish_key = options.publish_key;
  config.transports.max_message_bytes = options.max_message_bytes;
  config.transports.heartbeat_ms = static_cast<int64_t>(options.heartbeat_s * 1000);
  config.transports.max_pending_bytes = options.max_pending_bytes;
  config.transports.ws_deflate = options.ws_deflate;
  config.transports.max_channels_per_client = options.max_channels_per_client;
  config.max_sessions = options.max_sessions;
  if (!options.redis_url.empty()) {
    std::string error;  // checked when the flag was read
    config.redis = broker::parse_redis_url(options.redis_url, error);
  }
  return config;
}

}  // namespace pushwire::app
