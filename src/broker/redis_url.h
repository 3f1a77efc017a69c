#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pushwire::broker {

// Where a Redis server is: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]
// (HOST may be an IPv6 address in brackets).
struct RedisEndpoint {
  std::string host;
  uint16_t port = 6379;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  int db = 0;

  // The URL without its password, for logs and errors.
  std::string display() const;
};

// Parses a Redis URL; on failure returns nullopt and says why in `error`.
std::optional<RedisEndpoint> parse_redis_url(std::string_view url, std::string& error);

}  // namespace pushwire::broker
