#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/access.h"
#include "core/session.h"
#include "net/timer.h"
#include "transports/context.h"
#include "transports/poll/deadline.h"
#include "transports/poll/poll_answer.h"
#include "transports/poll/session_buffer.h"
#include "transports/session_channels.h"

namespace pushwire::transports {

// A session carried by polls (long-poll, poll, JSONP): it outlives each of
// its requests, keeps what comes between them in a SessionBuffer, and ends
// --session-grace seconds after its last poll was answered, or when the
// permission for one of its channels ends. It lives on its owner thread
// and owns itself; polls from other threads are posted there.
class PollSession final : public core::Session, private SessionChannels::Sink {
 public:
  // What the answer holds, to be read during the call, or nullptr when the
  // session has ended. Called on the owner thread, at most once.
  using Reply = std::function<void(const PollContent* content)>;

  // A new session on this thread with `channels`, each resuming after the
  // stream cursor `since` (nullptr: new messages only); nullptr when the
  // server has --max-sessions open. `expires_at_ms` (wall clock, 0: never).
  static PollSession* open(Context& context, const std::vector<std::string>& channels, const std::string* since,
                           int64_t expires_at_ms);

  // Why a poll's credentials do not cover the session: the first channel they do not grant.
  struct Refusal {
    std::string channel;
    auth::Decision decision;
  };
  // A poll presents fresh `credentials`: when they grant every channel of the
  // session, it ends when that grant does, if that is later than before;
  // else nothing changes, and the refusal says why.
  std::optional<Refusal> renew(const auth::Credentials& credentials);

  // A poll acking `ack` (nullptr: none, on opening). It is answered at once
  // when anything is kept or `wait_ms` is 0, else when something comes, an
  // op changes the channels, or after `wait_ms`. A poll still waiting when
  // another comes is answered first. `carrier` expires when the request's
  // client has gone (see carrier_gone).
  void poll(const std::string* ack, int64_t wait_ms, Reply reply, std::weak_ptr<const void> carrier);
  // A poll's request ended: if it was the waiting one, unanswered, the
  // poll is dropped and the grace period begins.
  void carrier_gone();

  core::SessionOpResult apply(const core::SessionOp& op) override;
  void on_shutdown() override;

 private:
  explicit PollSession(Context& context);
  ~PollSession() override;

  void on_position(const std::string& channel, const std::string& position) override;
  void on_gap(const std::string& channel) override;
  void on_message(const core::MessagePtr& message) override;
  void on_settled(bool handed) override;

  void reach(const core::Message& message);
  void answer();
  void answer_when_settled();
  // The session ends at `expires_at_ms` (wall clock, 0: never) if that is earlier than before.
  void expire_at(int64_t expires_at_ms);
  void set_expiry(int64_t expires_at_ms);
  void count_buffered_bytes();
  // Removes the session and frees it later in this loop turn.
  void end();

  Context& context_;
  SessionChannels channels_;
  SessionBuffer buffer_;
  // The stream cursor: every channel's messages up to it are in the buffer (or were acked).
  std::string reached_ = "0";
  uint64_t reached_seq_ = 0;
  Reply waiting_;
  std::weak_ptr<const void> waiting_carrier_;
  bool answer_due_ = false;  // once every replay is in
  // A session is polled many times a second: these deadlines move at every poll.
  Deadline wait_;
  Deadline grace_;
  net::Timer expiry_;
  int64_t expires_at_ms_ = 0;
  size_t counted_bytes_ = 0;  // this session's share of the buffered-bytes gauge
};

}  // namespace pushwire::transports
