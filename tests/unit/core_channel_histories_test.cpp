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

// A poller of an empty channel is given its position as a cursor; sending it
// back must wait for the next message, not report a gap because other
// channels moved on meanwhile.
TEST(ChannelHistories, AChannelWithNothingKeptSitsAtTheBrokersLastSeqWithoutAGap) {
  ChannelHistories histories({10, 1000});
  const Replay replay = histories.replay("none", {Cursor::Kind::after, 5}, 7, 0);
  EXPECT_FALSE(replay.gap);
  EXPECT_TRUE(replay.messages.empty());
  EXPECT_EQ(replay.resume_after, 7u);
  EXPECT_TRUE(histories.replay("none", {Cursor::Kind::after, 8}, 7, 0).gap) << "not an id given out yet";
  EXPECT_EQ(histories.find("none"), nullptr);
  histories.for_message(*test_message("none", 9)).append(test_message("none", 9), 0);
  EXPECT_FALSE(histories.replay("none", {Cursor::Kind::after, 7}, 9, 0).gap);
}

TEST(ChannelHistories, CursorsFromBeforeAChannelWasDroppedAreGaps) {
  ChannelHistories histories({10, 100});
  histories.for_message(*test_message("gone", 3)).append(test_message("gone", 3), 0);
  histories.expire(200);
  ASSERT_EQ(histories.find("gone"), nullptr);
  EXPECT_TRUE(histories.replay("gone", {Cursor::Kind::after, 2}, 5, 200).gap);
  EXPECT_FALSE(histories.replay("gone", {Cursor::Kind::after, 3}, 5, 200).gap);
  histories.for_message(*test_message("gone", 6)).append(test_message("gone", 6), 200);
  EXPECT_TRUE(histories.replay("gone", {Cursor::Kind::after, 2}, 6, 200).gap);
  const Replay back = histories.replay("gone", {Cursor::Kind::after, 3}, 6, 200);
  EXPECT_FALSE(back.gap);
  ASSERT_EQ(back.messages.size(), 1u);
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
