#pragma once
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "broker/redis_entry.h"
#include "broker/redis_link.h"
#include "broker/redis_url.h"
#include "core/channel_histories.h"
#include "core/message_id.h"

namespace pushwire::broker {

// How far each thread's RedisBroker of one process has heard the sequence,
// so that a publish is acknowledged only once every thread of the server
// has the message (a poll on any connection to this server then sees it).
class RedisProgress {
 public:
  explicit RedisProgress(size_t threads) : heard_(new std::atomic<uint64_t>[threads]), threads_(threads) {
    for (size_t i = 0; i < threads; ++i) heard_[i] = kNotListening;
  }
  void set(size_t thread, uint64_t seq) { heard_[thread].store(seq, std::memory_order_release); }
  bool all_heard(uint64_t seq) const {
    for (size_t i = 0; i < threads_; ++i)
      if (heard_[i].load(std::memory_order_acquire) < seq) return false;
    return true;
  }
  // Whether every thread is connected and caught up.
  bool all_listening() const {
    for (size_t i = 0; i < threads_; ++i)
      if (heard_[i].load(std::memory_order_acquire) == kNotListening) return false;
    return true;
  }
  // A thread cut off from Redis hears nothing: the others do not wait for it.
  static constexpr uint64_t kNotListening = UINT64_MAX;

 private:
  std::unique_ptr<std::atomic<uint64_t>[]> heard_;
  size_t threads_;
};

// The scale-out broker: Redis orders and keeps every message (one seq space
// and one history for all servers that share it) and announces it to all of
// them over pub/sub. One RedisBroker serves one event-loop thread: it has
// its own two connections (commands, announcements), and a mirror of the
// history that its announcements keep current, so that replays are answered
// from memory in the same order as live delivery on that thread.
//
// A publish is acknowledged once Redis has kept it and its announcement has
// reached every thread of this server (so the publisher's next poll here
// sees it, whichever thread answers). When
// Redis cannot be reached (or leaves a command unanswered for 5 s),
// publishes fail (done gets nullptr), replays are answered from the mirror,
// and the broker reconnects and catches up: what was published meanwhile is
// delivered, in order, to live subscribers. Publishes that come while it
// reloads (a moment, after reconnecting or when Redis lost its data) wait
// for the reload.
class RedisBroker final : public Broker {
 public:
  RedisBroker(uv_loop_t* loop, RedisEndpoint endpoint, core::HistoryLimits limits,
              std::shared_ptr<RedisProgress> progress, size_t thread);
  ~RedisBroker() override;

  // Connects and loads the history (before the loop runs, or on its thread).
  void start(std::function<void(const std::string& error)> on_ready) override;

  void publish(std::string_view channel, std::string_view event, std::string data, PublishDone done) override;
  void replay(std::string_view channel, const std::string* since, ReplayDone done) override;
  void attach(core::Fanout* fanout) override { fanout_ = fanout; }
  void sweep() override {}  // this broker's own timer expires its mirror
  size_t channel_count() override { return channels_.size(); }
  size_t history_bytes() override { return channels_.bytes(); }
  bool available() override { return progress_->all_listening(); }  // on every thread of this server
  void shut_down() override;

 private:
  enum class State { connecting, syncing, ready, down, stopped };
  struct WaitingPublish {
    uint64_t seq;
    int64_t deadline_ms;  // then acknowledged anyway: Redis has it
    core::MessagePtr message;
    PublishDone done;
  };
  struct WaitingReplay {
    std::string channel;
    std::string since;
    uint64_t seq;
    int64_t deadline_ms;
    ReplayDone done;
  };

  void connect();
  void on_link_down(const std::string& why);
  void on_announcement(redisReply* reply);
  void request_snapshot();
  void apply_snapshot(redisReply* reply);
  void send_publish(std::shared_ptr<core::Message> message, PublishDone done, bool retry);
  void on_published(redisReply* reply, std::shared_ptr<core::Message> message, PublishDone done, bool retry);
  // Keeps `message` in the mirror (its TTL counted from `kept_since_ms`, a
  // steady time) and hands it to this thread's subscribers.
  void take(core::MessagePtr message, int64_t kept_since_ms);
  void take_announced(const RedisEntry& entry, int64_t now_ms);
  void answer_pending_publishes();  // the connection is gone or the server stops
  void release_waiting();
  void run_waiting_replays();  // those due: caught up, timed out, or not serving
  void on_timer();
  void set_state(State state);
  void heard(uint64_t seq);

  uv_loop_t* loop_;
  RedisEndpoint endpoint_;
  std::string where_;  // how log lines name this connection
  std::shared_ptr<RedisProgress> progress_;
  size_t thread_;
  core::Fanout* fanout_ = nullptr;
  std::function<void(const std::string&)> on_ready_;

  State state_ = State::connecting;
  std::unique_ptr<RedisLink> commands_;
  std::unique_ptr<RedisLink> announcements_;
  uv_timer_t timer_;
  uv_timer_t recheck_;  // soon again: other threads have not heard a publish yet
  int64_t reconnect_at_ms_ = 0;
  int64_t connecting_since_ms_ = 0;
  int64_t next_expiry_ms_ = 0;
  int64_t backoff_ms_ = 0;

  core::IdScheme ids_;
  uint64_t seen_seq_ = 0;  // every seq up to this one is in the mirror or dropped
  core::ChannelHistories channels_;  // this thread's copy of what Redis keeps
  std::vector<std::string> early_;  // announcements that came before the snapshot
  std::deque<WaitingPublish> waiting_publishes_;
  struct Resend {
    std::shared_ptr<core::Message> message;
    PublishDone done;
    bool retry;  // refused once for an old id space: the next refusal is final
  };
  std::vector<Resend> resend_after_sync_;  // sent once this thread has reloaded
  std::vector<WaitingReplay> waiting_replays_;
  // Declared last, so destroyed first: what hiredis answers while the links
  // are destroyed finds it expired and leaves this broker alone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace pushwire::broker
