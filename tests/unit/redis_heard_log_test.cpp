#include "broker/redis_heard_log.h"

#include <gtest/gtest.h>

#include "test_message.h"

using pushwire::broker::RedisHeardLog;

namespace {
std::vector<uint64_t> seqs(const std::vector<pushwire::core::MessagePtr>& messages) {
  std::vector<uint64_t> out;
  for (const auto& m : messages) out.push_back(m->seq);
  return out;
}
}  // namespace

TEST(RedisHeardLog, KeepsNothingWhileNoReadIsOnItsWay) {
  RedisHeardLog log;
  log.heard(test_message("a", 1));
  EXPECT_TRUE(log.of("a", 0).empty());
  EXPECT_EQ(log.bytes(), 0u);
}

TEST(RedisHeardLog, KeepsWhatTheOldestReadMayMissAndDropsItAfter) {
  RedisHeardLog log;
  log.read_sent(10);
  log.heard(test_message("a", 11));
  log.read_sent(11);
  log.heard(test_message("b", 12));
  log.heard(test_message("a", 13));
  EXPECT_EQ(seqs(log.of("a", 10)), (std::vector<uint64_t>{11, 13}));
  EXPECT_EQ(seqs(log.of("a", 11)), (std::vector<uint64_t>{13}));
  EXPECT_GT(log.bytes(), 0u);

  log.read_answered();  // the second read was sent after 11 was heard
  EXPECT_EQ(seqs(log.of("a", 0)), (std::vector<uint64_t>{13}));
  log.read_answered();
  EXPECT_TRUE(log.of("a", 0).empty());
  EXPECT_TRUE(log.of("b", 0).empty());
  EXPECT_EQ(log.bytes(), 0u);
}
