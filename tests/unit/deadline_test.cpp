#include "transports/poll/deadline.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "net/event_loop.h"
#include "net/timer.h"

namespace pushwire::transports {
namespace {

// Runs `steps` on a loop of its own: each (after its delay from the start)
// gets the deadline; returns how long after the start the deadline passed
// (-1: it did not, within 300 ms).
using Steps = std::vector<std::pair<int64_t, std::function<void(Deadline&)>>>;

int64_t passed_after(const Steps& steps) {
  net::EventLoop loop;
  int64_t passed = -1;
  loop.post([&] {
    const int64_t start = loop.now_ms();
    auto deadline = std::make_shared<Deadline>(loop, [&] { passed = loop.now_ms() - start; });
    auto timers = std::make_shared<std::vector<std::unique_ptr<net::Timer>>>();
    auto schedule = [&](int64_t at_ms, std::function<void(Deadline&)> step) {
      timers->push_back(std::make_unique<net::Timer>(loop));
      timers->back()->start(at_ms, [deadline, step] { step(*deadline); });
    };
    for (const auto& [at_ms, step] : steps) schedule(at_ms, step);
    schedule(300, [&loop, deadline, timers](Deadline&) {
      loop.defer([&loop, deadline, timers]() mutable {
        deadline.reset();
        timers->clear();
        loop.shut_down();
      });
    });
  });
  std::thread([&] { loop.run(); }).join();
  return passed;
}

TEST(Deadline, SetAgainLaterItPassesAtTheLaterTime) {
  const int64_t passed = passed_after({{0, [](Deadline& d) { d.set(50); }}, {20, [](Deadline& d) { d.set(80); }}});
  EXPECT_GE(passed, 100);
  EXPECT_LT(passed, 200);
}

TEST(Deadline, SetAgainEarlierItPassesAtTheEarlierTime) {
  const int64_t passed = passed_after({{0, [](Deadline& d) { d.set(200); }}, {10, [](Deadline& d) { d.set(20); }}});
  EXPECT_GE(passed, 30);
  EXPECT_LT(passed, 150);
}

TEST(Deadline, ClearedItDoesNotPass) {
  EXPECT_EQ(passed_after({{0, [](Deadline& d) { d.set(30); }}, {10, [](Deadline& d) { d.clear(); }}}), -1);
}

}  // namespace
}  // namespace pushwire::transports
