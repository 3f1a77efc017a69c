#include "net/event_loop.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace pushwire::net {
namespace {

TEST(EventLoopTest, PostSoonOnTheLoopsThreadRunsInTheSameTurn) {
  EventLoop loop;
  std::string order;
  loop.post([&] {
    loop.post([&] {  // runs in a later turn
      order += "posted ";
      loop.shut_down();
    });
    loop.post_soon([&] { order += "soon "; });
  });
  std::thread([&] { loop.run(); }).join();
  EXPECT_EQ(order, "soon posted ");
}

TEST(EventLoopTest, PostSoonFromAnotherThreadRunsOnTheLoopsThread) {
  EventLoop loop;
  std::thread::id ran_on;
  std::thread loop_thread([&] { loop.run(); });
  const std::thread::id loop_thread_id = loop_thread.get_id();
  std::thread other([&] {
    loop.post_soon([&] {
      ran_on = std::this_thread::get_id();
      loop.shut_down();
    });
  });
  other.join();
  loop_thread.join();
  EXPECT_EQ(ran_on, loop_thread_id);
}

}  // namespace
}  // namespace pushwire::net
