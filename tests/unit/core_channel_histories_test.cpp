#include <gtest/gtest.h>

#include "core/channel_histories.h"
#include "test_message.h"

using namespace pushwire::core;

TEST(ChannelHistories, KeepsEachChannelApart) {
  ChannelHistories histories({10, 1000});
  histories.append(test_message("a", 1), 0, 0);
  histories.append(test_message("b", 2), 1, 0);
  histories.append(test_message("a", 3), 99, 0);  // exists already: its own start stays
  EXPECT_EQ(histories.size(), 2u);
  const Replay a = histories.replay("a", {Cursor::Kind::oldest, 0}, 3, 0);
  ASSERT_EQ(a.messages.size(), 2u);
  EXPECT_EQ(a.messages[1]->seq, 3u);
  EXPECT_FALSE(histories.replay("a", {Cursor::Kind::after, 1}, 3, 0).gap);
}

TEST(ChannelHistories, AChannelWithNothingKeptHasLostEverythingUpToTheBrokersLastSeq) {
  ChannelHistories histories({10, 1000});
  const Replay replay = histories.replay("none", {Cursor::Kind::after, 5}, 7, 0);
  EXPECT_TRUE(replay.gap);
  EXPECT_TRUE(replay.messages.empty());
  EXPECT_EQ(replay.resume_after, 7u);
  EXPECT_FALSE(histories.replay("none", {Cursor::Kind::after, 7}, 7, 0).gap);
  EXPECT_EQ(histories.find("none"), nullptr);
}

TEST(ChannelHistories, ExpiryDropsChannelsLeftEmpty) {
  ChannelHistories histories({10, 100});
  histories.append(test_message("old", 1), 0, 0);
  histories.append(test_message("new", 2), 1, 50);
  histories.expire(120);
  EXPECT_EQ(histories.size(), 1u);
  EXPECT_EQ(histories.find("old"), nullptr);
  ASSERT_NE(histories.find("new"), nullptr);
  histories.expire(200);
  EXPECT_TRUE(histories.empty());
}

// A message whose text makes it take `bytes` of the budget.
static MessagePtr sized_message(const std::string& channel, uint64_t seq, size_t bytes) {
  auto m = std::make_shared<Message>();
  m->channel = channel;
  m->seq = seq;
  m->data.assign(bytes - message_bytes(*m), 'x');
  return m;
}

TEST(ChannelHistories, TheByteBudgetDropsTheOldestMessageOfAnyChannelFirst) {
  ChannelHistories histories({10, 1000, 30000});
  histories.append(sized_message("a", 1, 10000), 0, 0);
  histories.append(sized_message("b", 2, 10000), 1, 0);
  histories.append(sized_message("a", 3, 10000), 2, 0);
  EXPECT_EQ(histories.bytes(), 30000u);
  histories.append(sized_message("c", 4, 10000), 3, 0);  // a's first goes
  EXPECT_EQ(histories.bytes(), 30000u);
  EXPECT_TRUE(histories.replay("a", {Cursor::Kind::after, 0}, 4, 0).gap);
  EXPECT_EQ(histories.replay("a", {Cursor::Kind::oldest, 0}, 4, 0).messages.size(), 1u);
  histories.append(sized_message("c", 5, 10000), 4, 0);  // then b's only one, and b with it
  EXPECT_EQ(histories.find("b"), nullptr);
  EXPECT_EQ(histories.size(), 2u);
  const Replay b = histories.replay("b", {Cursor::Kind::after, 2}, 5, 0);
  EXPECT_TRUE(b.gap) << "a cursor into a channel the budget emptied reports the gap";
  EXPECT_TRUE(b.messages.empty());
}

TEST(ChannelHistories, BytesFollowCountAndAgeEvictionToo) {
  ChannelHistories histories({2, 100, 1 << 20});
  histories.append(sized_message("a", 1, 10000), 0, 0);
  histories.append(sized_message("a", 2, 10000), 1, 0);
  histories.append(sized_message("a", 3, 10000), 2, 0);  // over --history 2
  EXPECT_EQ(histories.bytes(), 20000u);
  histories.append(sized_message("b", 4, 5000), 3, 60);
  histories.expire(100);
  EXPECT_EQ(histories.bytes(), 5000u);
  histories.clear();
  EXPECT_EQ(histories.bytes(), 0u);
}

TEST(ChannelHistories, AMessageOverTheWholeBudgetIsNotKept) {
  ChannelHistories histories({10, 1000, 10000});
  histories.append(sized_message("a", 1, 20000), 0, 0);
  EXPECT_EQ(histories.bytes(), 0u);
  EXPECT_TRUE(histories.empty());
}
