#include "broker/redis_history.h"

#include <gtest/gtest.h>

#include <string>

#include "redis_reply.h"
#include "test_message.h"

using pushwire::broker::RedisChannelHistory;
using pushwire::broker::read_channel_history;
using pushwire::broker::read_state;
using pushwire::broker::replay_from;
using pushwire::broker::ReplaySource;
using pushwire::core::Cursor;
using pushwire::core::HistoryLimits;
using pushwire::core::IdScheme;
using pushwire::core::MessagePtr;

namespace {
using pushwire::test::bulk;
using pushwire::test::Reply;
using pushwire::test::parse;

constexpr int64_t kNow = 1'800'000'000'000;
const IdScheme kIds("ep");
const HistoryLimits kLimits{100, 300'000};

std::string entry(uint64_t seq, int64_t time_ms = kNow) {
  return std::to_string(seq) + "|" + std::to_string(time_ms) + "|message|d" + std::to_string(seq);
}

// Redis's answer for a channel at sequence point `seq` that dropped through
// `evicted` and had its newest message at `last` ("": Redis had no record).
Reply history_reply(uint64_t seq, uint64_t evicted, const std::vector<std::string>& entries,
                    const std::string& last = "0") {
  std::string resp = "*5\r\n" + bulk("ep") + bulk(std::to_string(seq)) + bulk(std::to_string(evicted)) + bulk(last);
  resp += "*" + std::to_string(entries.size()) + "\r\n";
  for (const std::string& e : entries) resp += bulk(e);
  return parse(resp);
}

std::vector<uint64_t> seqs(const std::vector<MessagePtr>& messages) {
  std::vector<uint64_t> out;
  for (const MessagePtr& m : messages) out.push_back(m->seq);
  return out;
}
}  // namespace

TEST(RedisHistory, ReadsStateAndRefusesWhatIsNotIt) {
  const Reply state = parse("*2\r\n" + bulk("ep") + bulk("42"));
  const auto read = read_state(state.get());
  ASSERT_TRUE(read);
  EXPECT_EQ(read->epoch, "ep");
  EXPECT_EQ(read->seq, 42u);
  EXPECT_FALSE(read_state(parse("*2\r\n" + bulk("") + bulk("42")).get()));
  EXPECT_FALSE(read_state(parse("*2\r\n" + bulk("ep") + bulk("-1")).get()));
  EXPECT_FALSE(read_state(parse("-ERR no\r\n").get()));
  EXPECT_FALSE(read_state(nullptr));
}

TEST(RedisHistory, ReadsAChannelAndRefusesABrokenEntry) {
  const Reply reply = history_reply(9, 3, {entry(4), entry(7)});
  const auto read = read_channel_history(reply.get());
  ASSERT_TRUE(read);
  EXPECT_EQ(read->seq, 9u);
  EXPECT_EQ(read->evicted, 3u);
  ASSERT_EQ(read->entries.size(), 2u);
  EXPECT_EQ(read->entries[1].data, "d7");
  EXPECT_FALSE(read_channel_history(history_reply(9, 3, {entry(4), "not an entry"}).get()));
  EXPECT_FALSE(read_channel_history(parse("*3\r\n" + bulk("ep") + bulk("1") + bulk("0")).get()));
  EXPECT_FALSE(read_channel_history(history_reply(9, 3, {}, "10").get())) << "a last seq beyond the sequence";
  EXPECT_FALSE(read_channel_history(history_reply(9, 3, {}, "x").get()));
}

TEST(RedisHistory, AChannelRedisHadNoRecordOfMayHaveHadAnythingUpToTheRead) {
  const Reply reply = history_reply(9, 0, {}, "");
  const auto read = read_channel_history(reply.get());
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->known);
  EXPECT_EQ(read->last, 9u);
  EXPECT_TRUE(read_channel_history(history_reply(9, 0, {}, "4").get())->known);
}

TEST(RedisHistory, ReplayAddsWhatWasHeardAfterTheReadAndNothingTwice) {
  const Reply reply = history_reply(10, 0, {entry(4), entry(10)});
  const auto fetched = read_channel_history(reply.get());
  // Heard on this thread before the answer came: 10 (also in Redis's answer) and 12.
  const std::vector<MessagePtr> later = {test_message("c", 10), test_message("c", 12)};
  const ReplaySource source{"c", *fetched, later, 12, kIds, kLimits};
  const std::string since = kIds.make_id(4);
  const auto replay = replay_from(source, Cursor::parse(&since, kIds), kNow, 0);
  EXPECT_EQ(seqs(replay.messages), (std::vector<uint64_t>{10, 12}));
  EXPECT_EQ(replay.resume_after, 12u);
  EXPECT_FALSE(replay.gap);
}

TEST(RedisHistory, ReplayLeavesOutWhatThisThreadHasNotHeardYet) {
  const Reply reply = history_reply(20, 0, {entry(4), entry(15), entry(20)});
  const auto fetched = read_channel_history(reply.get());
  const ReplaySource source{"c", *fetched, {}, 16, kIds, kLimits};
  const std::string oldest = "0";
  const auto replay = replay_from(source, Cursor::parse(&oldest, kIds), kNow, 0);
  EXPECT_EQ(seqs(replay.messages), (std::vector<uint64_t>{4, 15}));
  EXPECT_EQ(replay.resume_after, 15u);  // 20 comes live
  EXPECT_EQ(replay.messages[0]->id, kIds.make_id(4));
}

TEST(RedisHistory, ReplaySignalsAGapForDroppedAndExpiredMessages) {
  const Reply reply = history_reply(20, 5, {entry(8, kNow - 400'000), entry(12)});
  const auto fetched = read_channel_history(reply.get());
  const ReplaySource source{"c", *fetched, {}, 20, kIds, kLimits};
  const std::string after_six = kIds.make_id(6);
  const auto dropped = replay_from(source, Cursor::parse(&after_six, kIds), kNow, 0);
  EXPECT_TRUE(dropped.gap);
  EXPECT_EQ(seqs(dropped.messages), (std::vector<uint64_t>{12}));
  const std::string after_twelve = kIds.make_id(12);
  const auto current = replay_from(source, Cursor::parse(&after_twelve, kIds), kNow, 0);
  EXPECT_FALSE(current.gap);
  EXPECT_TRUE(current.messages.empty());
}

TEST(RedisHistory, ReplayOfAChannelWithNothingKeptGoesOnFromWhatWasHeard) {
  const Reply reply = history_reply(30, 0, {}, "");
  const auto fetched = read_channel_history(reply.get());
  const ReplaySource source{"c", *fetched, {}, 25, kIds, kLimits};
  const auto replay = replay_from(source, Cursor::parse(nullptr, kIds), kNow, 0);
  EXPECT_TRUE(replay.messages.empty());
  EXPECT_EQ(replay.resume_after, 25u);
}

// Other channels moved on past a cursor at this channel's last message: it
// missed nothing and waits, while a cursor before that message missed it.
TEST(RedisHistory, ReplayOfAChannelWithNothingKeptKnowsWhatItLost) {
  const Reply reply = history_reply(30, 0, {}, "12");
  const auto fetched = read_channel_history(reply.get());
  const ReplaySource source{"c", *fetched, {}, 28, kIds, kLimits};
  for (const uint64_t at : {12, 20}) {
    const std::string since = kIds.make_id(at);
    const auto waits = replay_from(source, Cursor::parse(&since, kIds), kNow, 0);
    EXPECT_FALSE(waits.gap) << at;
    EXPECT_TRUE(waits.messages.empty());
    EXPECT_EQ(waits.resume_after, 28u);
  }
  const std::string before = kIds.make_id(11);
  EXPECT_TRUE(replay_from(source, Cursor::parse(&before, kIds), kNow, 0).gap);
  const Reply unknown = history_reply(30, 0, {}, "");
  const auto forgotten = read_channel_history(unknown.get());
  const std::string since = kIds.make_id(20);
  const ReplaySource unknown_source{"c", *forgotten, {}, 28, kIds, kLimits};
  EXPECT_TRUE(replay_from(unknown_source, Cursor::parse(&since, kIds), kNow, 0).gap);
}
