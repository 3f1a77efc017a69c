#include "net/send_batch.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

namespace pushwire::net {
namespace {

struct SocketPair {
  int ours = -1;
  int theirs = -1;
  SocketPair() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0) {
      ours = fds[0];
      theirs = fds[1];
    }
  }
  ~SocketPair() {
    if (ours >= 0) close(ours);
    if (theirs >= 0) close(theirs);
  }
  std::string received() const {
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = recv(theirs, buf, sizeof buf, MSG_DONTWAIT)) > 0) all.append(buf, static_cast<size_t>(n));
    return all;
  }
};

SendBatch::Send send_of(int fd, const std::string& bytes) {
  return {nullptr, fd, bytes.data(), static_cast<uint32_t>(bytes.size()), 1, -2};
}

class SendBatchTest : public ::testing::TestWithParam<SendBatch::Mode> {};

TEST_P(SendBatchTest, EverySocketGetsItsOwnBytesAndEverySendItsResult) {
  SendBatch batch(GetParam());
  std::vector<SocketPair> pairs(5);
  std::vector<std::string> payloads;
  for (size_t i = 0; i < pairs.size(); ++i) payloads.push_back("message " + std::to_string(i) + std::string(i * 100, 'x'));
  for (size_t i = 0; i < pairs.size(); ++i) batch.add(send_of(pairs[i].ours, payloads[i]));
  std::vector<SendBatch::Send>& sends = batch.run();
  ASSERT_EQ(sends.size(), pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(sends[i].fd, pairs[i].ours);
    EXPECT_EQ(sends[i].result, static_cast<ssize_t>(payloads[i].size()));
    EXPECT_EQ(pairs[i].received(), payloads[i]);
  }
  batch.clear();
  batch.add(send_of(pairs[0].ours, payloads[1]));
  ASSERT_EQ(batch.run().size(), 1u);
  EXPECT_EQ(pairs[0].received(), payloads[1]);
}

TEST_P(SendBatchTest, AFullSocketReportsNothingTakenInsteadOfWaiting) {
  SendBatch batch(GetParam());
  SocketPair full, other;
  const std::string block(64 * 1024, 'f');
  while (send(full.ours, block.data(), block.size(), MSG_DONTWAIT) > 0) {
  }
  ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
  const std::string hello = "hello";
  batch.add(send_of(full.ours, hello));
  batch.add(send_of(other.ours, hello));
  std::vector<SendBatch::Send>& sends = batch.run();
  EXPECT_EQ(sends[0].result, 0);
  EXPECT_EQ(sends[1].result, 5);
  EXPECT_EQ(other.received(), hello);
}

TEST_P(SendBatchTest, ASocketWithLittleRoomTakesAPrefix) {
  SendBatch batch(GetParam());
  SocketPair small, other;
  std::string big(4 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  const std::string hello = "hello";
  batch.add(send_of(small.ours, big));
  batch.add(send_of(other.ours, hello));
  std::vector<SendBatch::Send>& sends = batch.run();
  ASSERT_GT(sends[0].result, 0);
  ASSERT_LT(sends[0].result, static_cast<ssize_t>(big.size()));
  EXPECT_EQ(small.received(), big.substr(0, static_cast<size_t>(sends[0].result)));
  EXPECT_EQ(sends[1].result, 5);
}

TEST_P(SendBatchTest, ASocketWhosePeerIsGoneReportsAnError) {
  SendBatch batch(GetParam());
  SocketPair gone, fine;
  close(gone.theirs);
  gone.theirs = -1;
  const std::string bytes = "bytes";
  batch.add(send_of(gone.ours, bytes));
  batch.add(send_of(fine.ours, bytes));
  std::vector<SendBatch::Send>& sends = batch.run();
  EXPECT_EQ(sends[0].result, -1);
  EXPECT_EQ(sends[1].result, 5);
}

TEST_P(SendBatchTest, GatherSpaceRunsOutAndComesBackAfterClear) {
  SendBatch batch(GetParam());
  char* first = batch.reserve(200 * 1024);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(batch.reserve(100 * 1024), nullptr);
  char* second = batch.reserve(50 * 1024);
  EXPECT_EQ(second, first + 200 * 1024);
  batch.clear();
  EXPECT_EQ(batch.reserve(100 * 1024), first);
}

INSTANTIATE_TEST_SUITE_P(BothWays, SendBatchTest,
                         ::testing::Values(SendBatch::Mode::kIoUringIfAvailable, SendBatch::Mode::kOneSendEach),
                         [](const auto& info) {
                           return info.param == SendBatch::Mode::kOneSendEach ? std::string("OneSendEach")
                                                                               : std::string("IoUring");
                         });

TEST(SendBatchModeTest, IoUringIsUsedWhereTheKernelAllowsIt) {
  SendBatch batch;
  if (!batch.available()) GTEST_SKIP() << "io_uring unavailable here: " << batch.unavailable_reason();
  EXPECT_TRUE(batch.unavailable_reason().empty());
}

TEST(SendBatchModeTest, OneSendEachNeverUsesTheRing) {
  SendBatch batch(SendBatch::Mode::kOneSendEach);
  EXPECT_FALSE(batch.available());
  EXPECT_FALSE(batch.unavailable_reason().empty());
}

}  // namespace
}  // namespace pushwire::net
