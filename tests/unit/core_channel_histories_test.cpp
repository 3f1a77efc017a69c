#include <gtest/gtest.h>

#include "core/channel_histories.h"
#include "test_message.h"

using namespace pushwire::core;

TEST(ChannelHistories, KeepsEachChannelApart) {
  ChannelHistories histories({10, 1000});
  histories.of("a", 0).append(test_message("a", 1), 0);
  histories.of("b", 1).append(test_message("b", 2), 0);
  histories.of("a", 99).append(test_message("a", 3), 0);  // exists already: its own start stays
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
  histories.of("old", 0).append(test_message("old", 1), 0);
  histories.of("new", 1).append(test_message("new", 2), 50);
  histories.expire(120);
  EXPECT_EQ(histories.size(), 1u);
  EXPECT_EQ(histories.find("old"), nullptr);
  ASSERT_NE(histories.find("new"), nullptr);
  histories.expire(200);
  EXPECT_TRUE(histories.empty());
}
