#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pushwire::broker {

// Where a Redis server is, in one of three forms:
//   redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]
//   redis+sentinel://[[USER]:PASSWORD@]HOST[:PORT][,HOST[:PORT]...]/MASTER[/DB]
//   redis+cluster://[[USER]:PASSWORD@]HOST[:PORT][,HOST[:PORT]...]
// (HOST may be an IPv6 address in brackets). In the second, the hosts are
// Sentinels (port 26379 unless given) to ask where the master named MASTER
// is; USER and PASSWORD are for the master. In the third, they are nodes of
// a Redis Cluster (port 6379 unless given) to ask for its slot map; USER
// and PASSWORD are for every node. rediss://, rediss+sentinel:// and
// rediss+cluster:// are the same over TLS (to the Sentinels and every
// cluster node too).
struct RedisEndpoint {
  struct Address {
    std::string host;
    uint16_t port = 6379;
  };
  std::string host;  // with Sentinels or a Cluster: the master's, once they have told it
  uint16_t port = 6379;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  int db = 0;
  std::vector<Address> sentinels;  // none: connect to host:port
  std::string master_name;
  std::vector<Address> cluster_nodes;  // none: not a Redis Cluster
  bool tls = false;     // rediss: the server's certificate is verified
  std::string ca_file;  // with tls: the CAs to trust (PEM); empty: the system's

  // The URL without its password, for logs and errors.
  std::string display() const;
};

// Parses a Redis URL; on failure returns nullopt and says why in `error`.
std::optional<RedisEndpoint> parse_redis_url(std::string_view url, std::string& error);

}  // namespace pushwire::broker
