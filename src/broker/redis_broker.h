#pragma once
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "broker/broker_stats.h"
#include "broker/redis_entry.h"
#include "broker/redis_heard_log.h"
#include "broker/redis_keys.h"
#include "broker/redis_link.h"
#include "broker/redis_url.h"
#include "core/history.h"
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
// its own two connections (commands, announcements) and hands what it hears
// to its thread's Fanout, in sequence order. It keeps no copy of the
// history: a replay reads the channel's history from Redis (one round trip)
// and adds what this thread heard while that read was on its way (see
// RedisHeardLog), so that a replay and live delivery meet without a loss or
// a duplicate.
//
// A publish is acknowledged once Redis has kept it and its announcement has
// reached every thread of this server (so the publisher's next poll here
// sees it, whichever thread answers). When Redis cannot be reached (or
// leaves a command unanswered for 5 s), publishes fail (done gets nullptr),
// replays say that history cannot be read (a gap), and the broker
// reconnects and catches up: what was published meanwhile to the channels
// this thread's subscribers listen to is read from Redis and delivered, in
// order. Publishes that come while it catches up wait for it.
//
// With Sentinels (redis+sentinel://), it asks them where the master is,
// reconnects when they announce +switch-master (or when the master turns
// out to be a replica), and acknowledges a publish only once a replica has
// it too (WAIT 1), so that a failover does not lose it.
//
// On a Redis Cluster (redis+cluster://), every key pushwire keeps sits in
// one hash slot (RedisKeys): it asks a node for the slot map, talks to the
// master of that slot, and follows the slot when a command is answered
// MOVED, ASK, TRYAGAIN or CLUSTERDOWN (it reconnects through the map,
// catches up and sends the refused publish again). It waits for a replica as with Sentinels when
// the slot's master has one.
class RedisBroker final : public Broker {
 public:
  RedisBroker(uv_loop_t* loop, RedisEndpoint endpoint, core::HistoryLimits limits,
              std::shared_ptr<RedisProgress> progress, std::shared_ptr<BrokerStats> stats, size_t thread);
  ~RedisBroker() override;

  // Connects and learns where the sequence stands (before the loop runs, or on its thread).
  void start(std::function<void(const std::string& error)> on_ready) override;

  void publish(std::string_view channel, std::string_view event, std::string data, PublishDone done) override;
  void replay(std::string_view channel, const std::string* since, ReplayDone done, core::CursorScope scope) override;
  void attach(core::Fanout* fanout) override { fanout_ = fanout; }
  void sweep() override {}  // Redis expires what it keeps
  size_t channel_count() override { return 0; }  // Redis knows; counting would read every key
  bool available() override { return progress_->all_listening(); }  // on every thread of this server
  const BrokerStats* stats() const override { return stats_.get(); }
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
    std::optional<std::string> since;
    core::CursorScope scope;
    uint64_t seq;  // heard through this, it goes on (0: once this thread is ready)
    int64_t deadline_ms;
    ReplayDone done;
  };

  void connect();
  // With Sentinels: asks one (in turn) where the master is, and listens for
  // it to move.
  void ask_sentinel();
  void on_master_address(redisReply* reply);
  void on_sentinel_event(redisReply* reply);
  void connect_to_master();
  // On a Redis Cluster: asks a node (in turn) for the slot map.
  void ask_cluster();
  void on_slot_map(redisReply* reply, const RedisEndpoint::Address& asked);
  // Sends on the command link; an answer saying pushwire's slot is served
  // elsewhere (or moving) also sends this thread to find it again.
  void command(const std::vector<std::string_view>& args, RedisLink::OnReply on_reply);
  // Reconnects through the slot map, keeping the publishes to send again.
  void follow_slot(const std::string& why);
  std::function<void(const std::string&)> link_down_handler();
  void on_link_down(const std::string& why);
  void on_announcement(redisReply* reply);
  void request_state();
  void apply_state(redisReply* reply);
  // After an outage: reads what the subscribed channels got up to `seq`.
  void catch_up(std::vector<std::string> channels, uint64_t seq);
  void finish_sync();
  void read_history(const std::string& channel, const core::Cursor& cursor, ReplayDone done);
  // `asked_at`: what this thread had heard when the replay was asked for.
  void answer_read(redisReply* reply, const std::string& channel, const core::Cursor& cursor, uint64_t asked_at,
                   ReplayDone done);
  core::Replay unreadable(const core::Cursor& cursor) const;
  void send_publish(std::shared_ptr<core::Message> message, PublishDone done, bool retry);
  std::string last_id_ttl() const;  // ms, as the scripts take it: never shorter than the history's
  void on_published(redisReply* reply, std::shared_ptr<core::Message> message, PublishDone done, bool retry);
  // With Sentinels, a publish counts once a replica has it too (WAIT).
  void await_replica(std::shared_ptr<core::Message> message, PublishDone done);
  void acknowledge(std::shared_ptr<core::Message> message, PublishDone done);
  void take(core::MessagePtr message);  // hands it to this thread's subscribers
  void take_announced(const RedisEntry& entry);
  void answer_pending_publishes();  // the connection is gone or the server stops
  void release_waiting();
  void run_waiting_replays();  // those due: caught up, timed out, or not serving
  void on_timer();
  void set_state(State state);
  void heard(uint64_t seq);
  void report_held_bytes();

  uv_loop_t* loop_;
  RedisEndpoint endpoint_;
  RedisEndpoint master_;  // endpoint_, with the master's address the Sentinels gave
  std::string where_;  // how log lines name this connection
  core::HistoryLimits limits_;
  std::shared_ptr<RedisProgress> progress_;
  std::shared_ptr<BrokerStats> stats_;
  size_t thread_;
  core::Fanout* fanout_ = nullptr;
  std::function<void(const std::string&)> on_ready_;

  State state_ = State::connecting;
  std::unique_ptr<RedisLink> commands_;
  std::unique_ptr<RedisLink> announcements_;
  std::unique_ptr<RedisLink> sentinel_;
  size_t sentinel_turn_ = 0;  // which one to ask next
  std::unique_ptr<RedisLink> cluster_node_;  // asked for the slot map
  std::vector<RedisEndpoint::Address> cluster_nodes_;  // to ask, in turn: those given, then masters the map named
  size_t cluster_turn_ = 0;
  RedisKeys keys_;
  bool wait_for_replica_ = false;  // a publish counts once a replica has it (WAIT 1)
  size_t start_attempts_ = 0;  // at start, each Sentinel (or cluster node) is asked once before giving up
  uv_timer_t timer_;
  uv_timer_t recheck_;  // soon again: other threads have not heard a publish yet
  bool timers_open_ = false;
  int64_t reconnect_at_ms_ = 0;
  int64_t connecting_since_ms_ = 0;
  int64_t backoff_ms_ = 0;
  bool served_ = false;  // connected before: a connect is a reconnect

  core::IdScheme ids_;
  uint64_t seen_seq_ = 0;  // this thread's Fanout was handed every message up to this one
  RedisHeardLog heard_log_;
  int64_t reported_bytes_ = 0;  // of heard_log_, in stats_
  std::vector<std::string> early_;  // announcements that came while syncing
  size_t catch_up_reads_ = 0;  // still on their way
  std::vector<core::MessagePtr> caught_up_;
  std::deque<WaitingPublish> waiting_publishes_;
  struct Resend {
    std::shared_ptr<core::Message> message;
    PublishDone done;
    bool retry;  // refused once (an old id space, or the slot moved): the next refusal is final
  };
  std::vector<Resend> resend_after_sync_;  // sent once this thread has synced
  std::vector<WaitingReplay> waiting_replays_;
  // Declared last, so destroyed first: what hiredis answers while the links
  // are destroyed finds it expired and leaves this broker alone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace pushwire::broker
