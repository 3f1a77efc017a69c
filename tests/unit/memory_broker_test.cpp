#include <gtest/gtest.h>

#include <thread>

#include "broker/memory_broker.h"

using namespace pushwire;

namespace {
struct Recorder : core::Subscriber {
  std::vector<std::string> ids;
  void on_message(const core::MessagePtr& m) override { ids.push_back(m->id); }
};

core::MessagePtr publish(broker::Broker& b, const std::string& channel, std::string data) {
  core::MessagePtr out;
  b.publish(channel, "message", std::move(data), [&](core::MessagePtr m) { out = std::move(m); });
  return out;
}

core::Replay replay(broker::Broker& b, const std::string& channel, const std::string* since) {
  core::Replay out;
  b.replay(channel, since, [&](core::Replay r) { out = std::move(r); });
  return out;
}
}  // namespace

TEST(MemoryBroker, PublishStampsAndKeepsAndPostsToEveryThread) {
  broker::MemoryBroker b({10, 60'000}, core::IdScheme("run"));
  core::Fanout f1([] {}), f2([] {});
  b.attach(&f1);
  b.attach(&f2);
  Recorder r1, r2;
  f1.add("news", &r1);
  f2.add("news", &r2);
  auto first = publish(b, "news", "a");
  auto second = publish(b, "news", "b");
  EXPECT_EQ(first->id, "run-1");
  EXPECT_EQ(second->id, "run-2");
  EXPECT_GT(first->time_ms, 1'600'000'000'000);
  f1.drain();
  f2.drain();
  EXPECT_EQ(r1.ids, (std::vector<std::string>{"run-1", "run-2"}));
  EXPECT_EQ(r2.ids, r1.ids);
  const std::string zero = "0";
  EXPECT_EQ(replay(b, "news", &zero).messages.size(), 2u);
}

TEST(MemoryBroker, ReplayOfAnUnusedChannelIsEmptyAndGivesItsPosition) {
  broker::MemoryBroker b({10, 60'000}, core::IdScheme("run"));
  const std::string start = replay(b, "empty", nullptr).position;
  EXPECT_EQ(start, "run-0");
  publish(b, "other", "x");
  publish(b, "other", "y");
  // No channel was dropped, so none can have lost a message: older positions are no gap.
  const std::string zero = "0", older = "run-1", foreign = "old-5";
  EXPECT_FALSE(replay(b, "empty", &zero).gap);
  EXPECT_FALSE(replay(b, "empty", &older).gap);
  EXPECT_FALSE(replay(b, "empty", &start).gap);
  EXPECT_TRUE(replay(b, "empty", &foreign).gap);
  EXPECT_EQ(replay(b, "empty", nullptr).resume_after, 2u);
  EXPECT_EQ(replay(b, "empty", nullptr).position, "run-2");
  EXPECT_EQ(b.channel_count(), 1u);  // reading creates nothing
}

TEST(MemoryBroker, SweepDropsChannelsWhoseMessagesExpired) {
  broker::MemoryBroker b({10, 1}, core::IdScheme("run"));
  publish(b, "short", "x");
  publish(b, "short", "y");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  b.sweep();
  EXPECT_EQ(b.channel_count(), 0u);
  const std::string stale = "run-1";
  EXPECT_TRUE(replay(b, "short", &stale).gap);  // run-2, after it, is gone
}

TEST(MemoryBroker, ConcurrentPublishersGetUniqueIdsInPerChannelOrder) {
  broker::MemoryBroker b({100'000, 60'000}, core::IdScheme("run"));
  core::Fanout fanout([] {});
  b.attach(&fanout);
  Recorder r;
  fanout.add("c", &r);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) publish(b, "c", "x");
    });
  for (auto& th : threads) th.join();
  fanout.drain();
  ASSERT_EQ(r.ids.size(), 4000u);  // each delivered once, none skipped as out of order
  const std::string zero = "0";
  auto kept = replay(b, "c", &zero).messages;
  ASSERT_EQ(kept.size(), 4000u);
  for (size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(kept[i]->id, r.ids[i]);
}
