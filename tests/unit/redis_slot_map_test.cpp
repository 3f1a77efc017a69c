#include <gtest/gtest.h>

#include <string>

#include "broker/redis_key_slot.h"
#include "broker/redis_keys.h"
#include "broker/redis_slot_map.h"
#include "redis_reply.h"

using namespace pushwire::broker;

namespace {
using pushwire::test::bulk;
using pushwire::test::parse;

std::string node(const std::string& host, int port) {
  return "*3\r\n" + bulk(host) + ":" + std::to_string(port) + "\r\n" + bulk("id");
}

const RedisEndpoint::Address kAsked{"10.0.0.9", 7000};
}  // namespace

TEST(RedisKeySlot, MatchesRedisClusterKeyslot) {
  // Values as `CLUSTER KEYSLOT` gives them.
  EXPECT_EQ(redis_key_slot("foo"), 12182);
  EXPECT_EQ(redis_key_slot("123456789"), 12739);
  EXPECT_EQ(redis_key_slot("pushwire:{pushwire}:seq"), 6621);
  EXPECT_EQ(redis_key_slot("{user1000}.following"), redis_key_slot("user1000"));
  EXPECT_EQ(redis_key_slot("foo{}{bar}"), redis_key_slot("foo{}{bar}"));  // an empty tag: the whole key
  EXPECT_NE(redis_key_slot("foo{}{bar}"), redis_key_slot("bar"));
}

TEST(RedisKeys, OnAClusterEveryKeySharesTheSequencesSlot) {
  const RedisKeys cluster(true);
  const uint16_t slot = redis_key_slot(cluster.seq());
  for (const std::string& key : {cluster.epoch(), cluster.replid(), cluster.history("news"), cluster.evicted("a{b}")})
    EXPECT_EQ(redis_key_slot(key), slot) << key;
  const RedisKeys plain(false);
  EXPECT_EQ(plain.seq(), "pushwire:seq");
  EXPECT_EQ(plain.history("news"), "pushwire:h:news");
}

TEST(RedisSlotMap, FindsTheMasterOfASlotAndItsReplicas) {
  const auto answer = parse("*2\r\n"
                     "*3\r\n:0\r\n:8191\r\n" + node("10.0.0.1", 7001) +
                     "*5\r\n:8192\r\n:16383\r\n" + node("", 7002) + node("10.0.0.3", 7003) + node("10.0.0.4", 7004));
  const auto map = read_slot_map(answer.get(), kAsked);
  ASSERT_TRUE(map);
  const auto* low = map->owner_of(6621);
  ASSERT_TRUE(low);
  EXPECT_EQ(low->master.host, "10.0.0.1");
  EXPECT_EQ(low->master.port, 7001);
  EXPECT_EQ(low->replicas, 0u);
  const auto* high = map->owner_of(16383);
  ASSERT_TRUE(high);
  EXPECT_EQ(high->master.host, "10.0.0.9");  // empty: the node that answered
  EXPECT_EQ(high->replicas, 2u);
  EXPECT_EQ(map->masters().size(), 2u);
}

TEST(RedisSlotMap, ASlotNobodyServes) {
  const auto answer = parse("*1\r\n*3\r\n:0\r\n:100\r\n" + node("10.0.0.1", 7001));
  const auto map = read_slot_map(answer.get(), kAsked);
  ASSERT_TRUE(map);
  EXPECT_EQ(map->owner_of(101), nullptr);
}

TEST(RedisSlotMap, RefusesWhatIsNotASlotMap) {
  for (const std::string& resp : {std::string("-ERR This instance has cluster support disabled\r\n"),
                                  std::string("*1\r\n*2\r\n:0\r\n:1\r\n"),
                                  "*1\r\n*3\r\n:0\r\n:16384\r\n" + node("h", 1),
                                  "*1\r\n*3\r\n:9\r\n:1\r\n" + node("h", 1),
                                  "*1\r\n*3\r\n:0\r\n:1\r\n" + node("h", 0),
                                  std::string("*1\r\n*3\r\n:0\r\n:1\r\n*2\r\n:1\r\n:2\r\n")}) {
    const auto answer = parse(resp);
    EXPECT_FALSE(read_slot_map(answer.get(), kAsked)) << resp;
  }
}

TEST(RedisSlotMap, TellsAnswersThatSendTheSlotElsewhere) {
  for (const char* error : {"MOVED 6621 10.0.0.2:7002", "ASK 6621 10.0.0.2:7002",
                            "TRYAGAIN Multiple keys request during rehashing of slot", "CLUSTERDOWN The cluster is down"})
    EXPECT_TRUE(redis_slot_elsewhere(error)) << error;
  for (const char* error : {"", "READONLY You can't write against a read only replica.", "ERR unknown command",
                            "PUSHWIRE_EPOCH the id space changed", "MOVEDX"})
    EXPECT_FALSE(redis_slot_elsewhere(error)) << error;
}
