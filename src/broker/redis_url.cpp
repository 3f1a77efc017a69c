#include "broker/redis_url.h"

#include "util/whole_number.h"

namespace pushwire::broker {

namespace {
constexpr std::string_view kScheme = "redis://";

// The URL as typed, with whatever stands between "://" (or the start) and the
// last '@' before the path replaced: an error must not print a password.
std::string without_credentials(std::string_view url) {
  const size_t scheme_end = url.find("://");
  const size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const size_t path = url.find('/', authority);
  const size_t at = url.substr(0, path).rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(url);
  return std::string(url.substr(0, authority)) + "***" + std::string(url.substr(at));
}
}  // namespace

std::string RedisEndpoint::display() const {
  std::string url(kScheme);
  if (!user.empty() || !password.empty()) url += user + (password.empty() ? "@" : ":***@");
  url += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  url += ":" + std::to_string(port);
  if (db != 0) url += "/" + std::to_string(db);
  return url;
}

std::optional<RedisEndpoint> parse_redis_url(std::string_view url, std::string& error) {
  auto fail = [&](std::string why) {
    error = "'" + without_credentials(url) + "' is not a Redis URL like redis://127.0.0.1:6379: " + why;
    return std::nullopt;
  };
  if (!url.starts_with(kScheme)) return fail("it must begin with redis://");
  std::string_view rest = url.substr(kScheme.size());
  RedisEndpoint endpoint;

  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!util::parse_whole_number(db, endpoint.db) || endpoint.db < 0)) return fail("the database is not a number");
    rest = rest.substr(0, slash);
  }
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view credentials = rest.substr(0, at);
    const size_t colon = credentials.find(':');
    endpoint.user = std::string(credentials.substr(0, colon));
    if (colon != std::string_view::npos) endpoint.password = std::string(credentials.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  std::optional<std::string_view> port;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return fail("an IPv6 address needs its closing ]");
    endpoint.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return fail("junk after the host");
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const size_t colon = rest.find(':');
    endpoint.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (endpoint.host.empty()) return fail("the host is missing");
  if (port && (!util::parse_whole_number(*port, endpoint.port) || endpoint.port == 0)) return fail("the port is not 1 to 65535");
  return endpoint;
}

}  // namespace pushwire::broker
