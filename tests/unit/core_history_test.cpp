#include <gtest/gtest.h>

#include "core/history.h"

using namespace pushwire::core;

namespace {
const IdScheme kIds("run1");

MessagePtr make(uint64_t seq) {
  auto m = std::make_shared<Message>();
  m->channel = "c";
  m->seq = seq;
  m->id = kIds.make_id(seq);
  m->data = "m" + std::to_string(seq);
  return m;
}

std::vector<uint64_t> seqs(const Replay& replay) {
  std::vector<uint64_t> out;
  for (const auto& m : replay.messages) out.push_back(m->seq);
  return out;
}

Cursor after(uint64_t seq) { return {Cursor::Kind::after, seq}; }
}  // namespace

TEST(History, NewestCursorGetsNothingButKnowsWhereLiveDeliveryStarts) {
  History h({10, 1000}, 0);
  h.append(make(1), 0);
  h.append(make(2), 0);
  Replay r = h.replay({Cursor::Kind::newest, 0}, 0);
  EXPECT_TRUE(r.messages.empty());
  EXPECT_FALSE(r.gap);
  EXPECT_EQ(r.resume_after, 2u);
}

TEST(History, OldestReturnsEverythingKeptAndIsNeverAGap) {
  History h({2, 1000}, 0);
  for (uint64_t s = 1; s <= 5; ++s) h.append(make(s), 0);
  Replay r = h.replay({Cursor::Kind::oldest, 0}, 0);
  EXPECT_EQ(seqs(r), (std::vector<uint64_t>{4, 5}));
  EXPECT_FALSE(r.gap);
}

TEST(History, AfterReturnsOnlyLaterMessagesInOrder) {
  History h({10, 1000}, 0);
  for (uint64_t s = 1; s <= 5; ++s) h.append(make(s), 0);
  Replay r = h.replay(after(3), 0);
  EXPECT_EQ(seqs(r), (std::vector<uint64_t>{4, 5}));
  EXPECT_FALSE(r.gap);
  EXPECT_EQ(r.resume_after, 5u);
}

TEST(History, CapacityEvictionIsAGapForOlderCursors) {
  History h({3, 1000}, 0);
  for (uint64_t s = 1; s <= 6; ++s) h.append(make(s), 0);
  Replay r = h.replay(after(1), 0);  // 2 and 3 are gone
  EXPECT_TRUE(r.gap);
  EXPECT_EQ(seqs(r), (std::vector<uint64_t>{4, 5, 6}));
  Replay exact = h.replay(after(3), 0);  // nothing after 3 was lost
  EXPECT_FALSE(exact.gap);
  EXPECT_EQ(seqs(exact), (std::vector<uint64_t>{4, 5, 6}));
}

TEST(History, TtlExpiryDropsOldMessagesAndReportsAGap) {
  History h({10, 100}, 0);
  h.append(make(1), 0);
  h.append(make(2), 50);
  Replay r = h.replay({Cursor::Kind::oldest, 0}, 120);  // seq 1 expired at 100
  EXPECT_EQ(seqs(r), (std::vector<uint64_t>{2}));
  EXPECT_FALSE(r.gap);
  h.expire(200);
  EXPECT_TRUE(h.empty());
  Replay later = h.replay(after(1), 200);
  EXPECT_TRUE(later.gap);
  EXPECT_TRUE(later.messages.empty());
}

TEST(History, UnknownCursorGetsEverythingKeptWithAGap) {
  History h({10, 1000}, 0);
  h.append(make(1), 0);
  h.append(make(2), 0);
  Replay r = h.replay({Cursor::Kind::unknown, 0}, 0);
  EXPECT_TRUE(r.gap);
  EXPECT_EQ(seqs(r), (std::vector<uint64_t>{1, 2}));
}

TEST(History, CursorFromTheFutureIsTreatedAsUnknown) {
  History h({10, 1000}, 0);
  h.append(make(1), 0);
  Replay r = h.replay(after(99), 0);
  EXPECT_TRUE(r.gap);
  EXPECT_EQ(seqs(r), (std::vector<uint64_t>{1}));
}

TEST(History, ANewHistoryTreatsOlderCursorsAsPossiblyMissed) {
  History h({10, 1000}, 40);  // the channel was dropped when seq 40 existed
  h.append(make(41), 0);
  EXPECT_TRUE(h.replay(after(12), 0).gap);
  EXPECT_FALSE(h.replay(after(40), 0).gap);
  EXPECT_FALSE(h.replay({Cursor::Kind::oldest, 0}, 0).gap);
}

TEST(History, ZeroCapacityKeepsNothing) {
  History h({0, 1000}, 0);
  h.append(make(1), 0);
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.last_seq(), 1u);
  EXPECT_FALSE(h.replay(after(1), 0).gap);
}
