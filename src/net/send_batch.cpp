#include "net/send_batch.h"

#include <cstring>

#include "net/socket_send.h"
#include "util/log.h"

namespace pushwire::net {

SendBatch::SendBatch(Mode mode) {
  sends_.reserve(kMaxSends);
  if (mode == Mode::kOneSendEach) {
    unavailable_reason_ = "not asked for";
    return;
  }
  // Completions are only looked at when the loop asks for them. (Not
  // SINGLE_ISSUER: a loop is built on one thread and run on another.)
  io_uring_params params{};
  params.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN;
  int rc = io_uring_queue_init_params(kMaxSends, &ring_, &params);
  if (rc == -EINVAL) {  // a kernel older than these flags (5.19)
    params = {};
    rc = io_uring_queue_init_params(kMaxSends, &ring_, &params);
  }
  ring_ready_ = rc == 0;
  if (!ring_ready_) unavailable_reason_ = std::strerror(-rc);
}

SendBatch::~SendBatch() {
  if (ring_ready_) io_uring_queue_exit(&ring_);
}

char* SendBatch::reserve(size_t bytes) {
  if (!gathered_) gathered_.reset(new char[kGatherSpaceBytes]);
  if (gathered_used_ + bytes > kGatherSpaceBytes) return nullptr;
  char* at = gathered_.get() + gathered_used_;
  gathered_used_ += bytes;
  return at;
}

std::vector<SendBatch::Send>& SendBatch::run() {
  if (sends_.size() < 2 || !ring_ready_) {
    for (Send& send : sends_) send_directly(send);
    return sends_;
  }
  for (size_t i = 0; i < sends_.size(); ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    io_uring_prep_send(sqe, sends_[i].fd, sends_[i].data, sends_[i].bytes, MSG_DONTWAIT | MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, i);
  }
  // MSG_DONTWAIT makes a send that would block complete with -EAGAIN instead
  // of waiting, so every completion is there once the submission returns.
  int submitted;
  do submitted = io_uring_submit_and_wait(&ring_, static_cast<unsigned>(sends_.size()));
  while (submitted == -EINTR);
  const int error = submitted < 0 ? -submitted : 0;
  if (submitted < 0) submitted = 0;
  size_t completed = 0;
  int wait_error = 0;
  while (completed < static_cast<size_t>(submitted) && !wait_error) {
    io_uring_cqe* cqe;
    unsigned head;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      sends_[io_uring_cqe_get_data64(cqe)].result = send_result(cqe->res);
      ++seen;
    }
    io_uring_cq_advance(&ring_, seen);
    completed += seen;
    if (completed < static_cast<size_t>(submitted)) {
      int rc;
      do rc = io_uring_wait_cqe(&ring_, &cqe);
      while (rc == -EINTR);
      if (rc < 0) wait_error = -rc;
    }
  }
  if (static_cast<size_t>(submitted) < sends_.size() || wait_error) {
    // The ring may still hold what it did not take or finish: never use it again.
    ring_ready_ = false;
    const int why = error ? error : wait_error;
    unavailable_reason_ = why ? std::string("io_uring: ") + std::strerror(why) : "io_uring took part of a batch";
    PW_LOG(warn, unavailable_reason_, "; one system call per socket from now on");
    // Sends never submitted go out directly. One submitted without a known
    // result may have been sent: that connection is given up (its client
    // resumes from history) rather than sent the same bytes twice.
    for (size_t i = 0; i < sends_.size(); ++i) {
      if (sends_[i].result != kPending) continue;
      if (i < static_cast<size_t>(submitted)) sends_[i].result = -1;
      else send_directly(sends_[i]);
    }
  }
  return sends_;
}

void SendBatch::send_directly(Send& send) {
  uv_buf_t buf = uv_buf_init(const_cast<char*>(send.data), send.bytes);
  send.result = send_now(send.fd, &buf, 1);
}

void SendBatch::clear() {
  sends_.clear();
  gathered_used_ = 0;
}

}  // namespace pushwire::net
