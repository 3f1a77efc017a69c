#include <gtest/gtest.h>

#include "core/channel_histories.h"
#include "core/fanout.h"

using namespace pushwire::core;

// A stream cursor is one id, from any channel, that every channel of a
// multi-channel stream resumes after: a place in the one publish order.
namespace {
const IdScheme kIds("run1");

struct Channels {
  ChannelHistories histories{{100, 1'000'000}};
  uint64_t last_seq = 0;

  void publish(const std::string& channel) {
    auto m = std::make_shared<Message>();
    m->channel = channel;
    m->seq = ++last_seq;
    m->id = kIds.make_id(m->seq);
    histories.append(m, 0);
  }
  Replay replay(const std::string& channel, const std::string& since, CursorScope scope = CursorScope::stream) {
    return histories.replay(channel, Cursor::parse(&since, kIds, scope), last_seq, 0);
  }
};

std::vector<uint64_t> seqs(const Replay& replay) {
  std::vector<uint64_t> out;
  for (const auto& m : replay.messages) out.push_back(m->seq);
  return out;
}
}  // namespace

TEST(StreamCursor, EachChannelResumesAfterThePlaceAnIdOfAnyChannelNames) {
  Channels c;
  c.publish("a");  // 1
  c.publish("b");  // 2
  c.publish("a");  // 3
  c.publish("b");  // 4
  c.publish("a");  // 5
  const std::string cursor = kIds.make_id(3);  // a's id
  Replay a = c.replay("a", cursor), b = c.replay("b", cursor);
  EXPECT_EQ(seqs(a), std::vector<uint64_t>{5});
  EXPECT_EQ(seqs(b), std::vector<uint64_t>{4});
  EXPECT_FALSE(a.gap);
  EXPECT_FALSE(b.gap);
}

TEST(StreamCursor, APlacePastAChannelsNewestIsNoGapForIt) {
  Channels c;
  c.publish("a");  // 1
  c.publish("b");  // 2
  c.publish("b");  // 3
  Replay a = c.replay("a", kIds.make_id(3));
  EXPECT_TRUE(a.messages.empty());
  EXPECT_FALSE(a.gap);
  // The same id as a cursor of channel a alone is one a never gave out (v1).
  EXPECT_TRUE(c.replay("a", kIds.make_id(3), CursorScope::channel).gap);
}

TEST(StreamCursor, APlaceNotReachedYetIsUnknown) {
  Channels c;
  c.publish("a");
  Replay a = c.replay("a", kIds.make_id(9));
  EXPECT_TRUE(a.gap);
  EXPECT_EQ(seqs(a), std::vector<uint64_t>{1});
}

TEST(StreamCursor, AnotherRunsIdIsAGapForEveryChannel) {
  Channels c;
  c.publish("a");
  c.publish("b");
  for (const char* channel : {"a", "b"}) {
    Replay r = c.replay(channel, IdScheme("run0").make_id(1));
    EXPECT_TRUE(r.gap);
    EXPECT_EQ(r.messages.size(), 1u);
  }
}

TEST(StreamCursor, TrimmedHistoryIsAGapOnlyForThatChannel) {
  Channels c;
  c.histories = ChannelHistories({2, 1'000'000});
  c.publish("a");  // 1
  c.publish("b");  // 2
  c.publish("a");  // 3
  c.publish("a");  // 4
  c.publish("a");  // 5: a keeps 4 and 5
  const std::string cursor = kIds.make_id(2);
  Replay a = c.replay("a", cursor), b = c.replay("b", cursor);
  EXPECT_TRUE(a.gap);
  EXPECT_EQ(seqs(a), (std::vector<uint64_t>{4, 5}));
  EXPECT_FALSE(b.gap);
  EXPECT_TRUE(b.messages.empty());
}

TEST(StreamCursor, AChannelBornAfterThePlaceMissedNothing) {
  Channels c;
  c.publish("a");  // 1
  c.publish("b");  // 2: b begins after place 1
  c.publish("b");  // 3
  Replay b = c.replay("b", kIds.make_id(1));
  EXPECT_FALSE(b.gap);
  EXPECT_EQ(seqs(b), (std::vector<uint64_t>{2, 3}));
  EXPECT_FALSE(c.replay("never", kIds.make_id(1)).gap);
}

TEST(StreamCursor, OnceAChannelWasDroppedAnUnknownChannelMayHaveBeenIt) {
  Channels c;
  c.histories = ChannelHistories({100, 10});
  c.publish("a");  // 1
  c.publish("b");  // 2
  c.histories.expire(20);  // both dropped; b had kept up to 2
  c.publish("a");  // 3: a begins again
  EXPECT_TRUE(c.replay("b", kIds.make_id(1)).gap);
  EXPECT_TRUE(c.replay("a", kIds.make_id(1)).gap);
  EXPECT_FALSE(c.replay("b", kIds.make_id(2)).gap);
  Replay a = c.replay("a", kIds.make_id(2));
  EXPECT_FALSE(a.gap);
  EXPECT_EQ(seqs(a), std::vector<uint64_t>{3});
}

TEST(FanoutLastDrained, IsTheLastMessageHandedOutSubscribedOrNot) {
  Fanout fanout([] {});
  EXPECT_EQ(fanout.last_drained(), nullptr);
  for (uint64_t seq : {1, 2}) {
    auto m = std::make_shared<Message>();
    m->channel = "nobody-listens";
    m->seq = seq;
    fanout.post(m);
  }
  EXPECT_EQ(fanout.last_drained(), nullptr);
  fanout.drain();
  ASSERT_NE(fanout.last_drained(), nullptr);
  EXPECT_EQ(fanout.last_drained()->seq, 2u);
}
