#pragma once
#include <optional>
#include <string>

#include "broker/redis_url.h"
#include "core/history.h"
#include "http/cors.h"
#include "http/http_session.h"
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
  size_t max_sessions = 100'000;
  std::optional<broker::RedisEndpoint> redis;  // none: the in-memory broker
};

}  // namespace pushwire::app

namespace pushwire::app {
struct Options;
ServerConfig make_server_config(const Options& options);
}  // namespace pushwire::app
