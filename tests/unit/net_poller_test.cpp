#include "net/poller.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

namespace pushwire::net {
namespace {

struct Seen {
  uint32_t events = 0;
  int calls = 0;
};

void record(void* target, uint32_t events) {
  auto* seen = static_cast<Seen*>(target);
  seen->events |= events;
  ++seen->calls;
}

// A libuv loop with a Poller on it and a connected pair of sockets.
class PollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    poller_ = std::make_unique<Poller>(&loop_, record);
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds_), 0);
  }
  void TearDown() override {
    uv_walk(&loop_, [](uv_handle_t* handle, void*) { uv_close(handle, nullptr); }, nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    poller_.reset();
    EXPECT_EQ(uv_loop_close(&loop_), 0);
    for (int fd : fds_)
      if (fd >= 0) ::close(fd);
  }
  void turn() {
    seen_ = {};
    uv_run(&loop_, UV_RUN_NOWAIT);
  }

  uv_loop_t loop_;
  uv_idle_t keep_running_;
  std::unique_ptr<Poller> poller_;
  int fds_[2] = {-1, -1};
  Seen seen_;
};

TEST_F(PollerTest, ReportsWhatIsReadyUntilItIsHandled) {
  ASSERT_TRUE(poller_->add(fds_[0], EPOLLIN, &seen_));
  turn();
  EXPECT_EQ(seen_.calls, 0);
  ASSERT_EQ(::write(fds_[1], "x", 1), 1);
  turn();
  EXPECT_EQ(seen_.calls, 1);
  EXPECT_TRUE(seen_.events & EPOLLIN);
  turn();  // level-triggered: still unread
  EXPECT_EQ(seen_.calls, 1);
  char byte;
  ASSERT_EQ(::read(fds_[0], &byte, 1), 1);
  turn();
  EXPECT_EQ(seen_.calls, 0);
}

TEST_F(PollerTest, ReportsWritableOnlyWhenAskedFor) {
  ASSERT_TRUE(poller_->add(fds_[0], 0, &seen_));
  turn();
  EXPECT_EQ(seen_.calls, 0);
  ASSERT_TRUE(poller_->modify(fds_[0], 0, EPOLLOUT, &seen_));
  turn();
  EXPECT_TRUE(seen_.events & EPOLLOUT);
}

TEST_F(PollerTest, ReportsAHangUpWhateverTheSocketIsWatchedFor) {
  // A socket watched for nothing does not keep the loop running; the EventLoop's own handles do.
  uv_idle_init(&loop_, &keep_running_);
  uv_idle_start(&keep_running_, [](uv_idle_t*) {});
  ASSERT_TRUE(poller_->add(fds_[0], 0, &seen_));
  ::close(fds_[1]);
  fds_[1] = -1;
  turn();
  EXPECT_TRUE(seen_.events & EPOLLHUP);
}

TEST_F(PollerTest, OnlySocketsWaitingForSomethingKeepTheLoopRunning) {
  EXPECT_FALSE(uv_loop_alive(&loop_));
  ASSERT_TRUE(poller_->add(fds_[0], 0, &seen_));
  EXPECT_FALSE(uv_loop_alive(&loop_));
  ASSERT_TRUE(poller_->modify(fds_[0], 0, EPOLLIN, &seen_));
  EXPECT_TRUE(uv_loop_alive(&loop_));
  ASSERT_TRUE(poller_->add(fds_[1], EPOLLOUT, &seen_));
  ASSERT_TRUE(poller_->modify(fds_[0], EPOLLIN, 0, &seen_));
  EXPECT_TRUE(uv_loop_alive(&loop_));
  poller_->remove(fds_[1], EPOLLOUT);
  EXPECT_FALSE(uv_loop_alive(&loop_));
}

TEST_F(PollerTest, RefusesADescriptorItCannotWatch) {
  EXPECT_FALSE(poller_->add(-1, EPOLLIN, &seen_));
  EXPECT_FALSE(uv_loop_alive(&loop_));
}

}  // namespace
}  // namespace pushwire::net
