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

// Redis's answer for a channel at sequence point `seq` that dropped through `evicted`.
Reply history_reply(uint64_t seq, uint64_t evicted, const std::vector<std::string>& entries) {
  std::string resp = "*4\r\n" + bulk("ep") + bulk(std::to_string(seq)) + bulk(std::to_string(evicted));
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
  const Reply reply = history_reply(30, 0, {});
  const auto fetched = read_channel_history(reply.get());
  const ReplaySource source{"c", *fetched, {}, 25, kIds, kLimits};
  const auto replay = replay_from(source, Cursor::parse(nullptr, kIds), kNow, 0);
  EXPECT_TRUE(replay.messages.empty());
  EXPECT_EQ(replay.resume_after, 25u);
}
