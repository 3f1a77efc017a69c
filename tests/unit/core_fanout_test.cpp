#include <gtest/gtest.h>

#include <thread>

#include "core/fanout.h"
#include "test_message.h"

using namespace pushwire::core;

namespace {

struct Recorder : Subscriber {
  std::vector<uint64_t> got;
  std::function<void()> on_each;
  void on_message(const MessagePtr& m) override {
    got.push_back(m->seq);
    if (on_each) on_each();
  }
};
}  // namespace

TEST(Fanout, DeliversPostedMessagesToTheChannelsSubscribersInOrder) {
  int wakes = 0;
  Fanout fanout([&] { ++wakes; });
  Recorder a, b, other;
  fanout.add("news", &a);
  fanout.add("news", &b);
  fanout.add("sport", &other);
  fanout.post(test_message("news", 1));
  fanout.post(test_message("news", 2));
  EXPECT_EQ(wakes, 1);  // woken once per empty-to-busy transition
  fanout.drain();
  EXPECT_EQ(a.got, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(b.got, (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(other.got.empty());
}

TEST(Fanout, SkipsWhatASubscriberAlreadyHad) {
  Fanout fanout([] {});
  Recorder a;
  a.set_delivered_through(5);
  fanout.add("c", &a);
  for (uint64_t s : {4, 5, 6, 6, 7}) fanout.post(test_message("c", s));
  fanout.drain();
  EXPECT_EQ(a.got, (std::vector<uint64_t>{6, 7}));
}

TEST(Fanout, SubscribersMayLeaveDuringDelivery) {
  Fanout fanout([] {});
  Recorder a, b, c;
  fanout.add("c", &a);
  fanout.add("c", &b);
  fanout.add("c", &c);
  a.on_each = [&] { fanout.remove("c", &a); fanout.remove("c", &b); };
  fanout.post(test_message("c", 1));
  fanout.post(test_message("c", 2));
  fanout.drain();
  EXPECT_EQ(a.got, (std::vector<uint64_t>{1}));
  EXPECT_TRUE(b.got.empty());
  EXPECT_EQ(c.got, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(fanout.subscriber_count(), 1u);
}

TEST(Fanout, RemovingTheLastSubscriberForgetsTheChannel) {
  Fanout fanout([] {});
  Recorder a, b;
  fanout.add("x", &a);
  fanout.add("y", &b);
  fanout.remove("x", &a);
  EXPECT_EQ(fanout.channel_count(), 1u);
  fanout.remove("x", &a);  // twice is harmless
  EXPECT_EQ(fanout.subscriber_count(), 1u);
}

TEST(Fanout, PostsFromOtherThreadsArriveWholeAndInPerThreadOrder) {
  Fanout fanout([] {});
  constexpr int kThreads = 4;
  constexpr uint64_t kEach = 2000;
  Recorder recorders[kThreads];
  for (int t = 0; t < kThreads; ++t) fanout.add("c" + std::to_string(t), &recorders[t]);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (uint64_t i = 1; i <= kEach; ++i) fanout.post(test_message("c" + std::to_string(t), i));
    });
  for (auto& th : threads) th.join();
  fanout.drain();
  std::vector<uint64_t> expected(kEach);
  for (uint64_t i = 0; i < kEach; ++i) expected[i] = i + 1;
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(recorders[t].got, expected) << "thread " << t;
}
