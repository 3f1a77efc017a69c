#include "broker/redis_url.h"

#include <gtest/gtest.h>

using pushwire::broker::parse_redis_url;

namespace {

struct Parsed {
  std::string host;
  int port;
  std::string user, password;
  int db;
};

Parsed parse_ok(std::string_view url) {
  std::string error;
  const auto endpoint = parse_redis_url(url, error);
  EXPECT_TRUE(endpoint) << url << ": " << error;
  if (!endpoint) return {};
  return {endpoint->host, endpoint->port, endpoint->user, endpoint->password, endpoint->db};
}

std::string parse_error(std::string_view url) {
  std::string error;
  EXPECT_FALSE(parse_redis_url(url, error)) << url;
  return error;
}

}  // namespace

TEST(RedisUrl, HostPortDatabaseAndCredentials) {
  const Parsed plain = parse_ok("redis://127.0.0.1");
  EXPECT_EQ(plain.host, "127.0.0.1");
  EXPECT_EQ(plain.port, 6379);
  EXPECT_EQ(plain.db, 0);
  EXPECT_EQ(plain.password, "");

  const Parsed full = parse_ok("redis://app:s3cr@t@cache.local:6380/4");
  EXPECT_EQ(full.host, "cache.local");
  EXPECT_EQ(full.port, 6380);
  EXPECT_EQ(full.user, "app");
  EXPECT_EQ(full.password, "s3cr@t");  // up to the last @
  EXPECT_EQ(full.db, 4);

  const Parsed password_only = parse_ok("redis://:pw@localhost/");
  EXPECT_EQ(password_only.user, "");
  EXPECT_EQ(password_only.password, "pw");
  EXPECT_EQ(password_only.db, 0);

  const Parsed v6 = parse_ok("redis://[::1]:7000");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 7000);
}

TEST(RedisUrl, RefusesWhatItCannotUse) {
  EXPECT_NE(parse_error("http://127.0.0.1:6379").find("redis://"), std::string::npos);
  EXPECT_NE(parse_error("redis://").find("host"), std::string::npos);
  EXPECT_NE(parse_error("redis://:6379").find("host"), std::string::npos);
  EXPECT_NE(parse_error("redis://h:0").find("port"), std::string::npos);
  EXPECT_NE(parse_error("redis://h:").find("port"), std::string::npos);
  EXPECT_NE(parse_error("redis://h:65536").find("port"), std::string::npos);
  EXPECT_NE(parse_error("redis://h:6379/one").find("database"), std::string::npos);
  EXPECT_NE(parse_error("redis://[::1").find("]"), std::string::npos);
  EXPECT_NE(parse_error("redis://[::1]x").find("after the host"), std::string::npos);
}

TEST(RedisUrl, DisplayHidesThePassword) {
  std::string error;
  const auto endpoint = parse_redis_url("redis://app:hunter2@10.0.0.5:6390/2", error);
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->display(), "redis://app:***@10.0.0.5:6390/2");
  EXPECT_EQ(parse_redis_url("redis://[::1]", error)->display(), "redis://[::1]:6379");
}

TEST(RedisUrl, AnErrorNeverEchoesThePassword) {
  for (const char* url : {"redis://app:hunter2@cache.local:notaport", "redis-tls://:hunter2@cache.local",
                          "redis://app:hunter2@[::1:6379", "redis://app:hunter2@/0", "redis://:hunter2@h:1/x"}) {
    const std::string error = parse_error(url);
    EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
    EXPECT_NE(error.find("***@"), std::string::npos) << error;
  }
}

TEST(RedisUrl, SentinelsAndTheMasterName) {
  std::string error;
  const auto endpoint = parse_redis_url("redis+sentinel://app:pw@10.0.0.1,10.0.0.2:26380,[::1]:5/cache/2", error);
  ASSERT_TRUE(endpoint) << error;
  ASSERT_EQ(endpoint->sentinels.size(), 3u);
  EXPECT_EQ(endpoint->sentinels[0].host, "10.0.0.1");
  EXPECT_EQ(endpoint->sentinels[0].port, 26379);
  EXPECT_EQ(endpoint->sentinels[1].port, 26380);
  EXPECT_EQ(endpoint->sentinels[2].host, "::1");
  EXPECT_EQ(endpoint->master_name, "cache");
  EXPECT_EQ(endpoint->db, 2);
  EXPECT_EQ(endpoint->user, "app");
  EXPECT_EQ(endpoint->display(), "redis+sentinel://app:***@10.0.0.1:26379,10.0.0.2:26380,[::1]:5/cache/2");

  EXPECT_NE(parse_error("redis+sentinel://10.0.0.1").find("master's name"), std::string::npos);
  EXPECT_NE(parse_error("redis+sentinel://10.0.0.1,/m").find("host is missing"), std::string::npos);
  EXPECT_NE(parse_error("redis+sentinel://10.0.0.1:0/m").find("port"), std::string::npos);
  EXPECT_NE(parse_error("redis+sentinel://10.0.0.1/m/x").find("database"), std::string::npos);
}

TEST(RedisUrl, RedissIsTheSameOverTls) {
  std::string error;
  const auto direct = parse_redis_url("rediss://:pw@cache.example.com:6380/1", error);
  ASSERT_TRUE(direct) << error;
  EXPECT_TRUE(direct->tls);
  EXPECT_EQ(direct->host, "cache.example.com");
  EXPECT_EQ(direct->port, 6380);
  EXPECT_EQ(direct->display(), "rediss://:***@cache.example.com:6380/1");
  EXPECT_FALSE(parse_redis_url("redis://cache.example.com", error)->tls);

  const auto sentinels = parse_redis_url("rediss+sentinel://10.0.0.1,10.0.0.2/cache", error);
  ASSERT_TRUE(sentinels) << error;
  EXPECT_TRUE(sentinels->tls);
  EXPECT_EQ(sentinels->sentinels.size(), 2u);
  EXPECT_EQ(sentinels->display(), "rediss+sentinel://10.0.0.1:26379,10.0.0.2:26379/cache");
  EXPECT_NE(parse_error("redisss://h").find("rediss://"), std::string::npos);
}

TEST(RedisUrl, ClusterNodes) {
  std::string error;
  const auto endpoint = parse_redis_url("redis+cluster://app:pw@10.0.0.1,10.0.0.2:7001,[::1]:7002", error);
  ASSERT_TRUE(endpoint) << error;
  ASSERT_EQ(endpoint->cluster_nodes.size(), 3u);
  EXPECT_EQ(endpoint->cluster_nodes[0].host, "10.0.0.1");
  EXPECT_EQ(endpoint->cluster_nodes[0].port, 6379);
  EXPECT_EQ(endpoint->cluster_nodes[1].port, 7001);
  EXPECT_EQ(endpoint->cluster_nodes[2].host, "::1");
  EXPECT_TRUE(endpoint->sentinels.empty());
  EXPECT_EQ(endpoint->password, "pw");
  EXPECT_EQ(endpoint->display(), "redis+cluster://app:***@10.0.0.1:6379,10.0.0.2:7001,[::1]:7002");

  EXPECT_NE(parse_error("redis+cluster://10.0.0.1/1").find("database 0 only"), std::string::npos);
  EXPECT_NE(parse_error("redis+cluster://10.0.0.1,").find("host is missing"), std::string::npos);
  EXPECT_NE(parse_error("redis+cluster://10.0.0.1:99999").find("port"), std::string::npos);
  EXPECT_NE(parse_error("redis+clusters://10.0.0.1").find("redis+cluster://"), std::string::npos);
}

TEST(RedisUrl, RedissClusterIsTheClusterOverTls) {
  std::string error;
  const auto endpoint = parse_redis_url("rediss+cluster://:pw@10.0.0.1,10.0.0.2:7001", error);
  ASSERT_TRUE(endpoint) << error;
  EXPECT_TRUE(endpoint->tls);
  EXPECT_EQ(endpoint->cluster_nodes.size(), 2u);
  EXPECT_EQ(endpoint->display(), "rediss+cluster://:***@10.0.0.1:6379,10.0.0.2:7001");
  EXPECT_FALSE(parse_redis_url("redis+cluster://10.0.0.1", error)->tls);
  EXPECT_NE(parse_error("rediss+clusters://10.0.0.1").find("rediss+cluster://"), std::string::npos);
  EXPECT_NE(parse_error("rediss+sentinel://10.0.0.1").find("master's name"), std::string::npos);
  EXPECT_NE(parse_error("redis+tls://10.0.0.1").find("redis://"), std::string::npos);
}
