#include "broker/redis_broker.h"

#include <algorithm>
#include <utility>

#include "broker/redis_history.h"
#include "broker/redis_scripts.h"
#include "broker/redis_slot_map.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/whole_number.h"

namespace pushwire::broker {

namespace {
constexpr int64_t kTimerMs = 100;
constexpr int64_t kFirstBackoffMs = 100;
constexpr int64_t kMaxBackoffMs = 2000;
// A replay asked for after an id this thread has not seen yet (published
// through another server a moment ago), or while this thread (re)connects,
// waits this long.
constexpr int64_t kReplayWaitMs = 1000;
// A publish Redis has kept is acknowledged after this even if not every
// thread has heard it yet (one may be reconnecting).
constexpr int64_t kPublishWaitMs = 1000;
// Redis that accepts connections but does not answer (stopped, overloaded)
// counts as gone after this: publishes waiting on it are answered 503.
constexpr int64_t kAnswerTimeoutMs = 5000;
// With Sentinels, how long a publish waits for a replica to have it.
constexpr std::string_view kReplicaWaitMs = "1000";

}  // namespace

RedisBroker::RedisBroker(uv_loop_t* loop, RedisEndpoint endpoint, core::HistoryLimits limits,
                         std::shared_ptr<RedisProgress> progress, std::shared_ptr<BrokerStats> stats, size_t thread)
    : loop_(loop),
      endpoint_(std::move(endpoint)),
      master_(endpoint_),
      where_("Redis at " + endpoint_.display() + " (thread " + std::to_string(thread + 1) + ")"),
      limits_(limits),
      progress_(std::move(progress)),
      stats_(std::move(stats)),
      thread_(thread),
      cluster_nodes_(endpoint_.cluster_nodes),
      keys_(!endpoint_.cluster_nodes.empty()),
      wait_for_replica_(!endpoint_.sentinels.empty()) {}

RedisBroker::~RedisBroker() = default;

void RedisBroker::start(std::function<void(const std::string& error)> on_ready) {
  on_ready_ = std::move(on_ready);
  timers_open_ = true;
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
  uv_timer_start(&timer_, [](uv_timer_t* t) { static_cast<RedisBroker*>(t->data)->on_timer(); }, kTimerMs, kTimerMs);
  uv_timer_init(loop_, &recheck_);
  recheck_.data = this;
  connect();
}

std::function<void(const std::string&)> RedisBroker::link_down_handler() {
  return [this, alive = std::weak_ptr<bool>(alive_)](const std::string& why) {
    if (!alive.expired()) on_link_down(why);
  };
}

void RedisBroker::connect() {
  if (served_) BrokerStats::add(stats_->reconnects_total);
  set_state(State::connecting);
  connecting_since_ms_ = util::steady_ms();
  early_.clear();
  if (!endpoint_.sentinels.empty()) ask_sentinel();
  else if (!cluster_nodes_.empty()) ask_cluster();
  else connect_to_master();
}

void RedisBroker::ask_sentinel() {
  const RedisEndpoint::Address& address = endpoint_.sentinels[sentinel_turn_++ % endpoint_.sentinels.size()];
  RedisEndpoint sentinel;
  sentinel.host = address.host;
  sentinel.port = address.port;
  sentinel.tls = endpoint_.tls;
  sentinel.ca_file = endpoint_.ca_file;
  sentinel_ = std::make_unique<RedisLink>(loop_, sentinel, *stats_, link_down_handler());
  std::string error;
  if (!sentinel_->connect(error)) {
    on_link_down("Sentinel " + sentinel.display() + ": " + error);
    return;
  }
  sentinel_->command({"SENTINEL", "get-master-addr-by-name", endpoint_.master_name},
                     [this, alive = std::weak_ptr<bool>(alive_)](redisReply* reply) {
                       if (!alive.expired()) on_master_address(reply);
                     });
  sentinel_->subscribe("+switch-master", [this, alive = std::weak_ptr<bool>(alive_)](redisReply* reply) {
    if (!alive.expired()) on_sentinel_event(reply);
  });
}

void RedisBroker::on_master_address(redisReply* reply) {
  if (state_ != State::connecting) return;
  uint16_t port = 0;
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[0]->type != REDIS_REPLY_STRING || reply->element[1]->type != REDIS_REPLY_STRING ||
      !util::parse_whole_number(std::string_view(reply->element[1]->str, reply->element[1]->len), port)) {
    on_link_down("the Sentinels do not know a master named " + endpoint_.master_name + " (" + redis_error_of(reply) +
                 ")");
    return;
  }
  master_.host.assign(reply->element[0]->str, reply->element[0]->len);
  master_.port = port;
  connect_to_master();
}

void RedisBroker::on_sentinel_event(redisReply* reply) {
  // ["message", "+switch-master", "NAME OLD-IP OLD-PORT NEW-IP NEW-PORT"]
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) return;
  if (reply->element[2]->type != REDIS_REPLY_STRING) return;
  const std::string_view event(reply->element[2]->str, reply->element[2]->len);
  if (event.starts_with(endpoint_.master_name + " ")) on_link_down("the master moved (" + std::string(event) + ")");
}

void RedisBroker::connect_to_master() {
  commands_ = std::make_unique<RedisLink>(loop_, master_, *stats_, link_down_handler());
  announcements_ = std::make_unique<RedisLink>(loop_, master_, *stats_, link_down_handler());
  std::string error;
  if (!commands_->connect(error) || !announcements_->connect(error)) {
    on_link_down(error);
    return;
  }
  announcements_->subscribe(redis_scripts::kAnnouncements, [this, alive = std::weak_ptr<bool>(alive_)](redisReply* reply) {
    if (!alive.expired()) on_announcement(reply);
  });
}

void RedisBroker::on_link_down(const std::string& why) {
  if (state_ == State::stopped || state_ == State::down) return;
  set_state(State::down);  // first: what the links answer as they close finds it so
  for (auto* link : {&commands_, &announcements_, &sentinel_, &cluster_node_})
    if (*link) (*link)->close();  // what still waits for an answer fails now
  const size_t guides = endpoint_.sentinels.size() + endpoint_.cluster_nodes.size();
  if (on_ready_ && ++start_attempts_ < guides) {  // another Sentinel or node may answer
    const char* next = endpoint_.sentinels.empty() ? "; asking the next node" : "; asking the next Sentinel";
    PW_LOG(warn, where_, ": ", why, next);
    connect();
    return;
  }
  if (on_ready_) {  // never served: the server does not start
    set_state(State::stopped);
    auto on_ready = std::move(on_ready_);
    on_ready_ = nullptr;
    on_ready(why);
    return;
  }
  if (backoff_ms_ == 0) PW_LOG(warn, where_, ": ", why, "; publishing fails until it is back");
  else PW_LOG(debug, where_, ": still unreachable: ", why);
  answer_pending_publishes();
  run_waiting_replays();
  backoff_ms_ = backoff_ms_ ? std::min(backoff_ms_ * 2, kMaxBackoffMs) : kFirstBackoffMs;
  reconnect_at_ms_ = util::steady_ms() + backoff_ms_;
}

void RedisBroker::on_announcement(redisReply* reply) {
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
  const std::string_view kind(reply->element[0]->str, reply->element[0]->len);
  if (kind == "subscribe") {
    if (state_ == State::connecting) {
      set_state(State::syncing);
      request_state();
    }
    return;
  }
  if (kind != "message" || reply->element[2]->type != REDIS_REPLY_STRING) return;
  const std::string_view payload(reply->element[2]->str, reply->element[2]->len);
  if (state_ == State::syncing) {
    early_.emplace_back(payload);
    return;
  }
  if (state_ != State::ready) return;
  const auto entry = decode_announcement(payload);
  if (!entry) {
    PW_LOG(warn, where_, ": ignored an announcement pushwire did not write");
    return;
  }
  if (entry->epoch != ids_.run_token()) {  // Redis lost what it kept: start over
    PW_LOG(warn, where_, ": the id space changed (was Redis emptied?); resynchronising");
    set_state(State::syncing);
    early_.emplace_back(payload);
    request_state();
    return;
  }
  take_announced(*entry);
  release_waiting();
}

void RedisBroker::take_announced(const RedisEntry& entry) {
  if (entry.seq <= seen_seq_) return;  // caught up with it already
  take(make_message(entry.channel, entry, ids_));
  heard(entry.seq);
}

void RedisBroker::request_state() {
  const std::string candidate_epoch = core::IdScheme().run_token();
  const std::string floor = std::to_string(seen_seq_);
  command({"EVAL", redis_scripts::kState, "3", keys_.epoch(), keys_.seq(), keys_.replid(), candidate_epoch, floor},
          [this, alive = std::weak_ptr<bool>(alive_)](redisReply* reply) {
            if (!alive.expired()) apply_state(reply);
          });
}

void RedisBroker::apply_state(redisReply* reply) {
  if (state_ != State::syncing) return;
  const auto state = read_state(reply);
  if (!state) {
    on_link_down("reading where the sequence stands failed: " + redis_error_of(reply));
    return;
  }
  if (served_) BrokerStats::add(stats_->resyncs_total);
  if (state->epoch != ids_.run_token()) {  // first start, or Redis lost what it kept
    if (served_) PW_LOG(warn, where_, ": ids of earlier messages are void now");
    ids_ = core::IdScheme(std::string(state->epoch));
  }
  // What the subscribed channels got meanwhile, also in a new id space:
  // its seqs start above what the first server back had seen.
  std::vector<std::string> channels = fanout_ ? fanout_->channel_names() : std::vector<std::string>();
  if (state->seq <= seen_seq_ || channels.empty()) {
    seen_seq_ = std::max(seen_seq_, state->seq);
    finish_sync();
    return;
  }
  catch_up(std::move(channels), state->seq);
}

void RedisBroker::catch_up(std::vector<std::string> channels, uint64_t seq) {
  catch_up_reads_ = channels.size();
  caught_up_.clear();
  for (const std::string& channel : channels) {
    command({"EVAL", redis_scripts::kHistory, "5", keys_.history(channel), keys_.evicted(channel), keys_.epoch(),
             keys_.seq(), keys_.last(channel), "0", last_id_ttl()},
            [this, alive = std::weak_ptr<bool>(alive_), channel, seq](redisReply* reply) {
              if (alive.expired() || state_ != State::syncing) return;
              const auto fetched = read_channel_history(reply);
              if (!fetched) {
                on_link_down("catching up failed: " + redis_error_of(reply));
                return;
              }
              for (const RedisEntry& entry : fetched->entries)
                if (entry.seq > seen_seq_ && entry.seq <= seq)
                  caught_up_.push_back(make_message(channel, entry, ids_));
              if (--catch_up_reads_ > 0) return;
              // Each channel's messages in order; merged into the one sequence order.
              std::sort(caught_up_.begin(), caught_up_.end(),
                        [](const core::MessagePtr& a, const core::MessagePtr& b) { return a->seq < b->seq; });
              for (core::MessagePtr& message : std::exchange(caught_up_, {})) take(std::move(message));
              seen_seq_ = seq;
              finish_sync();
            });
  }
}

void RedisBroker::finish_sync() {
  for (const std::string& payload : std::exchange(early_, {})) {
    const auto entry = decode_announcement(payload);
    if (entry && entry->epoch == ids_.run_token()) take_announced(*entry);
  }
  set_state(State::ready);
  if (backoff_ms_) PW_LOG(info, where_, ": back, caught up");
  backoff_ms_ = 0;
  served_ = true;
  release_waiting();
  for (auto& [message, done, retry] : std::exchange(resend_after_sync_, {}))
    send_publish(std::move(message), std::move(done), retry);
  if (on_ready_) {
    auto on_ready = std::move(on_ready_);
    on_ready_ = nullptr;
    on_ready("");
  }
}

void RedisBroker::take(core::MessagePtr message) {
  heard_log_.heard(message);
  report_held_bytes();
  if (fanout_) fanout_->post(std::move(message));
}

void RedisBroker::publish(std::string_view channel, std::string_view event, std::string data, PublishDone done) {
  if (state_ != State::ready && state_ != State::syncing) {
    done(nullptr);
    return;
  }
  auto message = std::make_shared<core::Message>();
  message->channel = channel;
  message->event = event;
  message->data = std::move(data);
  message->time_ms = util::wall_ms();
  if (state_ == State::syncing) {  // connected, catching up for a moment: goes once that is done
    resend_after_sync_.push_back({std::move(message), std::move(done), false});
    return;
  }
  send_publish(std::move(message), std::move(done), false);
}

void RedisBroker::send_publish(std::shared_ptr<core::Message> message, PublishDone done, bool retry) {
  const std::string time = std::to_string(message->time_ms);
  const std::string max = std::to_string(limits_.max_messages);
  const std::string ttl = std::to_string(std::max<int64_t>(limits_.ttl_ms, 1));
  command(
      {"EVAL", redis_scripts::kPublish, "5", keys_.epoch(), keys_.seq(), keys_.history(message->channel),
       keys_.evicted(message->channel), keys_.last(message->channel), ids_.run_token(), message->channel,
       message->event, message->data, time, max, ttl, last_id_ttl()},
      [this, alive = std::weak_ptr<bool>(alive_), message, done = std::move(done), retry](redisReply* reply) mutable {
        if (alive.expired()) return;
        on_published(reply, std::move(message), std::move(done), retry);
      });
}

std::string RedisBroker::last_id_ttl() const {
  return std::to_string(std::max({limits_.last_id_ttl_ms, limits_.ttl_ms, int64_t{1}}));
}

void RedisBroker::on_published(redisReply* reply, std::shared_ptr<core::Message> message, PublishDone done,
                               bool retry) {
  if (!reply || reply->type != REDIS_REPLY_INTEGER || reply->integer <= 0) {
    const std::string why = redis_error_of(reply);
    // The script refused before taking a number: nothing was kept, so the
    // publish goes again once this thread knows the new id space.
    if (why.starts_with("PUSHWIRE_EPOCH") && !retry && state_ != State::down && state_ != State::stopped) {
      PW_LOG(info, where_, ": the id space changed (was Redis emptied?); resynchronising");
      resend_after_sync_.push_back({std::move(message), std::move(done), true});
      if (state_ == State::ready) {
        set_state(State::syncing);
        request_state();
      }
      return;
    }
    // Not run: the cluster moved pushwire's slot (command() follows it).
    if (redis_slot_elsewhere(why) && !retry && state_ != State::down && state_ != State::stopped) {
      resend_after_sync_.push_back({std::move(message), std::move(done), true});
      return;
    }
    PW_LOG(warn, where_, ": a publish to ", message->channel, " failed: ", why);
    done(nullptr);
    // A failover made the server pushwire writes to a replica: find the master again.
    if (why.starts_with("READONLY")) on_link_down("the master became a replica");
    return;
  }
  message->seq = static_cast<uint64_t>(reply->integer);
  message->id = ids_.make_id(message->seq);
  if (!wait_for_replica_) acknowledge(std::move(message), std::move(done));
  else await_replica(std::move(message), std::move(done));
}

void RedisBroker::await_replica(std::shared_ptr<core::Message> message, PublishDone done) {
  command({"WAIT", "1", kReplicaWaitMs},
          [this, alive = std::weak_ptr<bool>(alive_), message, done = std::move(done)](redisReply* reply) mutable {
            if (alive.expired()) return;
            if (!reply || reply->type != REDIS_REPLY_INTEGER || reply->integer < 1) {
              PW_LOG(warn, where_, ": no replica confirmed ", message->id, ": ", redis_error_of(reply));
              done(nullptr);
              return;
            }
            acknowledge(std::move(message), std::move(done));
          });
}

void RedisBroker::acknowledge(std::shared_ptr<core::Message> message, PublishDone done) {
  if (state_ != State::ready) {  // Redis has it; this thread cannot tell when others hear it
    done(std::move(message));
    return;
  }
  const uint64_t seq = message->seq;
  waiting_publishes_.push_back({seq, util::steady_ms() + kPublishWaitMs, std::move(message), std::move(done)});
  release_waiting();
}

void RedisBroker::replay(std::string_view channel, const std::string* since, ReplayDone done,
                         core::CursorScope scope) {
  const core::Cursor cursor = core::Cursor::parse(since, ids_, scope);
  const bool not_heard_yet = cursor.kind == core::Cursor::Kind::after && cursor.seq > seen_seq_;
  if (state_ == State::ready && !not_heard_yet) {
    read_history(std::string(channel), cursor, std::move(done));
    return;
  }
  if (state_ == State::down || state_ == State::stopped) {
    done(unreadable(cursor));
    return;
  }
  waiting_replays_.push_back({std::string(channel), since ? std::optional<std::string>(*since) : std::nullopt, scope,
                              not_heard_yet ? cursor.seq : 0, util::steady_ms() + kReplayWaitMs, std::move(done)});
}

void RedisBroker::read_history(const std::string& channel, const core::Cursor& cursor, ReplayDone done) {
  // The newest entry is all that a subscriber without a cursor is told of.
  const std::string_view from = cursor.kind == core::Cursor::Kind::newest ? "-1" : "0";
  const uint64_t asked_at = seen_seq_;
  heard_log_.read_sent(asked_at);
  BrokerStats::add(stats_->history_reads_total);
  command({"EVAL", redis_scripts::kHistory, "5", keys_.history(channel), keys_.evicted(channel), keys_.epoch(),
           keys_.seq(), keys_.last(channel), from, last_id_ttl()},
          [this, alive = std::weak_ptr<bool>(alive_), channel, cursor, asked_at, done = std::move(done)](
              redisReply* reply) {
            if (!alive.expired()) answer_read(reply, channel, cursor, asked_at, done);
          });
}

void RedisBroker::answer_read(redisReply* reply, const std::string& channel, const core::Cursor& cursor,
                              uint64_t asked_at, ReplayDone done) {
  const auto fetched = read_channel_history(reply);
  core::Replay replay;
  if (!fetched || fetched->epoch != ids_.run_token()) {
    if (reply) PW_LOG(warn, where_, ": reading the history of ", channel, " failed: ", redis_error_of(reply));
    replay = unreadable(cursor);
  } else {
    if (!fetched->known) BrokerStats::add(stats_->unknown_channel_reads_total);
    const std::vector<core::MessagePtr> later = heard_log_.of(channel, fetched->seq);
    replay = replay_from({channel, *fetched, later, seen_seq_, ids_, limits_}, cursor, util::wall_ms(), util::steady_ms());
  }
  if (cursor.kind == core::Cursor::Kind::newest) {
    // "From now on" means from when the subscriber was registered: what this
    // thread handed its Fanout since (and the listener set aside) comes here.
    replay.messages = heard_log_.of(channel, asked_at);
  }
  replay.position = ids_.make_id(replay.resume_after);
  heard_log_.read_answered();
  report_held_bytes();
  done(std::move(replay));
}

core::Replay RedisBroker::unreadable(const core::Cursor& cursor) const {
  core::Replay replay;
  replay.gap = cursor.kind != core::Cursor::Kind::newest;  // what was asked for cannot be told
  replay.resume_after = seen_seq_;
  replay.position = ids_.make_id(seen_seq_);
  return replay;
}

void RedisBroker::set_state(State state) {
  state_ = state;
  progress_->set(thread_, state == State::ready ? seen_seq_ : RedisProgress::kNotListening);
}

void RedisBroker::heard(uint64_t seq) {
  seen_seq_ = seq;
  if (state_ == State::ready) progress_->set(thread_, seq);
}

void RedisBroker::report_held_bytes() {
  const auto bytes = static_cast<int64_t>(heard_log_.bytes());
  if (bytes == reported_bytes_) return;
  stats_->history_held_bytes.fetch_add(bytes - reported_bytes_, std::memory_order_relaxed);
  reported_bytes_ = bytes;
}

void RedisBroker::answer_pending_publishes() {
  for (auto& resend : std::exchange(resend_after_sync_, {})) resend.done(nullptr);
  // What Redis acknowledged is kept there: acknowledge it to the publisher.
  for (WaitingPublish& w : std::exchange(waiting_publishes_, {})) w.done(std::move(w.message));
}

void RedisBroker::release_waiting() {
  const int64_t now = util::steady_ms();
  while (!waiting_publishes_.empty()) {
    WaitingPublish& w = waiting_publishes_.front();
    if (w.deadline_ms > now) {
      if (w.seq > seen_seq_) break;  // this thread's announcement is on its way
      if (!progress_->all_heard(w.seq)) {  // another thread's is: look again in a moment
        uv_timer_start(&recheck_, [](uv_timer_t* t) { static_cast<RedisBroker*>(t->data)->release_waiting(); }, 1, 0);
        break;
      }
    }
    WaitingPublish done = std::move(w);
    waiting_publishes_.pop_front();
    done.done(std::move(done.message));
  }
  if (!waiting_replays_.empty()) run_waiting_replays();
}

void RedisBroker::run_waiting_replays() {
  const int64_t now = util::steady_ms();
  const bool serving = state_ == State::ready || state_ == State::connecting || state_ == State::syncing;
  std::vector<WaitingReplay> due;
  for (auto it = waiting_replays_.begin(); it != waiting_replays_.end();) {
    const bool heard_enough = state_ == State::ready && it->seq <= seen_seq_;
    if (heard_enough || it->deadline_ms <= now || !serving) {
      due.push_back(std::move(*it));
      it = waiting_replays_.erase(it);
    } else {
      ++it;
    }
  }
  for (WaitingReplay& w : due) {
    const core::Cursor cursor = core::Cursor::parse(w.since ? &*w.since : nullptr, ids_, w.scope);
    // Caught up, or the id was never given out: Redis tells which.
    if (state_ == State::ready) read_history(w.channel, cursor, std::move(w.done));
    else w.done(unreadable(cursor));
  }
}

void RedisBroker::on_timer() {
  const int64_t now = util::steady_ms();
  if (state_ == State::down && now >= reconnect_at_ms_) connect();
  const int64_t waiting_since = commands_ ? commands_->waiting_since_ms() : 0;
  // A command waits too long, or (reconnecting) the subscription is not confirmed.
  const bool silent = (waiting_since && now - waiting_since > kAnswerTimeoutMs) ||
                      (state_ == State::connecting && !on_ready_ && now - connecting_since_ms_ > kAnswerTimeoutMs);
  if (silent) on_link_down("no answer within 5 seconds");
  release_waiting();
}

void RedisBroker::shut_down() {
  if (!timers_open_) return;  // never started, or shut down already
  timers_open_ = false;
  set_state(State::stopped);
  answer_pending_publishes();
  run_waiting_replays();
  commands_.reset();
  announcements_.reset();
  sentinel_.reset();
  cluster_node_.reset();
  heard_log_.clear();
  report_held_bytes();
  for (uv_timer_t* timer : {&timer_, &recheck_}) uv_close(reinterpret_cast<uv_handle_t*>(timer), nullptr);
}

}  // namespace pushwire::broker
