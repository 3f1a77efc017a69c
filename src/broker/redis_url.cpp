#include "broker/redis_url.h"

#include "util/whole_number.h"

namespace pushwire::broker {

namespace {
// A scheme is redis or rediss (over TLS), then +sentinel, +cluster or
// nothing, then ://.
constexpr std::string_view kPlain = "redis";
constexpr std::string_view kTls = "rediss";
constexpr std::string_view kSentinel = "+sentinel";
constexpr std::string_view kCluster = "+cluster";
constexpr std::string_view kSchemeEnd = "://";

// The URL as typed, with whatever stands between "://" (or the start) and the
// last '@' before the path replaced: an error must not print a password.
std::string without_credentials(std::string_view url) {
  const size_t scheme_end = url.find(kSchemeEnd);
  const size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + kSchemeEnd.size();
  const size_t path = url.find('/', authority);
  const size_t at = url.substr(0, path).rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(url);
  return std::string(url.substr(0, authority)) + "***" + std::string(url.substr(at));
}

constexpr uint16_t kSentinelPort = 26379;

std::string address_text(const std::string& host, uint16_t port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// HOST[:PORT] into `address`; returns why not, or "".
std::string parse_address(std::string_view text, RedisEndpoint::Address& address) {
  std::optional<std::string_view> port;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return "an IPv6 address needs its closing ]";
    address.host = std::string(text.substr(1, close - 1));
    text = text.substr(close + 1);
    if (!text.empty() && !text.starts_with(':')) return "junk after the host";
    if (!text.empty()) port = text.substr(1);
  } else {
    const size_t colon = text.find(':');
    address.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) port = text.substr(colon + 1);
  }
  if (address.host.empty()) return "the host is missing";
  if (port && (!util::parse_whole_number(*port, address.port) || address.port == 0)) return "the port is not 1 to 65535";
  return "";
}
}  // namespace

std::string RedisEndpoint::display() const {
  std::string url(tls ? kTls : kPlain);
  url += !sentinels.empty() ? kSentinel : !cluster_nodes.empty() ? kCluster : "";
  url += kSchemeEnd;
  if (!user.empty() || !password.empty()) url += user + (password.empty() ? "@" : ":***@");
  const std::vector<Address>& guides = sentinels.empty() ? cluster_nodes : sentinels;
  if (guides.empty()) url += address_text(host, port);
  for (size_t i = 0; i < guides.size(); ++i) url += (i ? "," : "") + address_text(guides[i].host, guides[i].port);
  if (!sentinels.empty()) url += "/" + master_name;
  if (db != 0) url += "/" + std::to_string(db);
  return url;
}

std::optional<RedisEndpoint> parse_redis_url(std::string_view url, std::string& error) {
  auto fail = [&](std::string why) {
    error = "'" + without_credentials(url) + "' is not a Redis URL like redis://127.0.0.1:6379, " +
            "redis+sentinel://127.0.0.1:26379/mymaster or redis+cluster://127.0.0.1:7000: " + why;
    return std::nullopt;
  };
  RedisEndpoint endpoint;
  const size_t scheme_end = url.find(kSchemeEnd);
  const std::string_view scheme = url.substr(0, scheme_end);
  const size_t plus = scheme.find('+');
  const std::string_view base = scheme.substr(0, plus);
  const std::string_view kind = plus == std::string_view::npos ? "" : scheme.substr(plus);
  const bool sentinel = kind == kSentinel;
  const bool cluster = kind == kCluster;
  endpoint.tls = base == kTls;
  if (scheme_end == std::string_view::npos || (base != kPlain && base != kTls) ||
      (!kind.empty() && !sentinel && !cluster))
    return fail(
        "it must begin with redis://, redis+sentinel:// or redis+cluster://, or over TLS rediss://, "
        "rediss+sentinel:// or rediss+cluster://");
  std::string_view rest = url.substr(scheme_end + kSchemeEnd.size());

  std::string_view path;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (sentinel) {
    const size_t slash = path.find('/');
    endpoint.master_name = std::string(path.substr(0, slash));
    if (endpoint.master_name.empty()) return fail("the master's name is missing");
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  if (cluster && !path.empty()) return fail("a Redis Cluster has database 0 only, so no /DB");
  if (!path.empty() && (!util::parse_whole_number(path, endpoint.db) || endpoint.db < 0))
    return fail("the database is not a number");
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view credentials = rest.substr(0, at);
    const size_t colon = credentials.find(':');
    endpoint.user = std::string(credentials.substr(0, colon));
    if (colon != std::string_view::npos) endpoint.password = std::string(credentials.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  if (!sentinel && !cluster) {
    RedisEndpoint::Address address;
    if (std::string why = parse_address(rest, address); !why.empty()) return fail(why);
    endpoint.host = address.host;
    endpoint.port = address.port;
    return endpoint;
  }
  while (true) {
    const size_t comma = rest.find(',');
    RedisEndpoint::Address address{"", sentinel ? kSentinelPort : endpoint.port};
    if (std::string why = parse_address(rest.substr(0, comma), address); !why.empty()) return fail(why);
    (sentinel ? endpoint.sentinels : endpoint.cluster_nodes).push_back(address);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return endpoint;
}

}  // namespace pushwire::broker
