#include "broker/redis_broker.h"

#include <optional>
#include <utility>

#include "broker/redis_entry.h"
#include "broker/redis_scripts.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/whole_number.h"

namespace pushwire::broker {

namespace {
constexpr int64_t kTimerMs = 100;
constexpr int64_t kFirstBackoffMs = 100;
constexpr int64_t kMaxBackoffMs = 2000;
// A replay asked for after an id this thread has not seen yet (published
// through another server a moment ago) waits this long for it to arrive.
constexpr int64_t kReplayWaitMs = 1000;
// A publish Redis has kept is acknowledged after this even if not every
// thread has heard it yet (one may be reconnecting).
constexpr int64_t kPublishWaitMs = 1000;
// Redis that accepts connections but does not answer (stopped, overloaded)
// counts as gone after this: publishes waiting on it are answered 503.
constexpr int64_t kAnswerTimeoutMs = 5000;

std::string_view text_of(const redisReply* reply) { return {reply->str, reply->len}; }

std::string error_of(const redisReply* reply) {
  if (!reply) return "no answer (connection lost)";
  if (reply->type == REDIS_REPLY_ERROR) return std::string(text_of(reply));
  return "an answer pushwire did not expect";
}

bool is_text(const redisReply* reply) {
  return reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS;
}

std::optional<uint64_t> number_of(const redisReply* reply) {
  uint64_t value = 0;
  if (!is_text(reply) || !util::parse_whole_number(text_of(reply), value)) return std::nullopt;
  return value;
}

// What the snapshot script returns, checked: {epoch, seq, then per channel
// its name, the highest seq it dropped, and its entries}.
struct Snapshot {
  struct Channel {
    std::string_view name;
    uint64_t evicted;
    const redisReply* entries;
  };
  std::string_view epoch;
  uint64_t seq;
  std::vector<Channel> channels;
};

std::optional<Snapshot> read_snapshot(const redisReply* reply) {
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 || (reply->elements - 2) % 3 != 0)
    return std::nullopt;
  Snapshot snapshot;
  const auto seq = number_of(reply->element[1]);
  if (!is_text(reply->element[0]) || reply->element[0]->len == 0 || !seq) return std::nullopt;
  snapshot.epoch = text_of(reply->element[0]);
  snapshot.seq = *seq;
  for (size_t i = 2; i + 2 < reply->elements; i += 3) {
    const auto evicted = number_of(reply->element[i + 1]);
    const redisReply* entries = reply->element[i + 2];
    if (!is_text(reply->element[i]) || !evicted || entries->type != REDIS_REPLY_ARRAY) return std::nullopt;
    snapshot.channels.push_back({text_of(reply->element[i]), *evicted, entries});
  }
  return snapshot;
}

core::MessagePtr make_message(std::string_view channel, const RedisEntry& entry, const core::IdScheme& ids) {
  auto message = std::make_shared<core::Message>();
  message->channel = channel;
  message->event = entry.event;
  message->data = entry.data;
  message->time_ms = entry.time_ms;
  message->seq = entry.seq;
  message->id = ids.make_id(entry.seq);
  return message;
}
}  // namespace

RedisBroker::RedisBroker(uv_loop_t* loop, RedisEndpoint endpoint, core::HistoryLimits limits,
                         std::shared_ptr<RedisProgress> progress, size_t thread)
    : loop_(loop),
      endpoint_(std::move(endpoint)),
      where_("Redis at " + endpoint_.display() + " (thread " + std::to_string(thread + 1) + ")"),
      progress_(std::move(progress)),
      thread_(thread),
      channels_(limits) {}

RedisBroker::~RedisBroker() = default;

void RedisBroker::start(std::function<void(const std::string& error)> on_ready) {
  on_ready_ = std::move(on_ready);
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
  uv_timer_start(&timer_, [](uv_timer_t* t) { static_cast<RedisBroker*>(t->data)->on_timer(); }, kTimerMs, kTimerMs);
  uv_timer_init(loop_, &recheck_);
  recheck_.data = this;
  connect();
}

void RedisBroker::connect() {
  set_state(State::connecting);
  connecting_since_ms_ = util::steady_ms();
  early_.clear();
  auto on_down = [this, alive = std::weak_ptr<bool>(alive_)](const std::string& why) {
    if (!alive.expired()) on_link_down(why);
  };
  commands_ = std::make_unique<RedisLink>(loop_, endpoint_, on_down);
  announcements_ = std::make_unique<RedisLink>(loop_, endpoint_, on_down);
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
  if (on_ready_) {  // never served: the server does not start
    if (commands_) commands_->close();
    if (announcements_) announcements_->close();
    set_state(State::stopped);
    auto on_ready = std::move(on_ready_);
    on_ready_ = nullptr;
    on_ready(why);
    return;
  }
  if (backoff_ms_ == 0) PW_LOG(warn, where_, ": ", why, "; publishing fails until it is back");
  else PW_LOG(debug, where_, ": still unreachable: ", why);
  set_state(State::down);
  commands_->close();  // what still waits for an answer fails now
  announcements_->close();
  answer_pending_publishes();
  backoff_ms_ = backoff_ms_ ? std::min(backoff_ms_ * 2, kMaxBackoffMs) : kFirstBackoffMs;
  reconnect_at_ms_ = util::steady_ms() + backoff_ms_;
}

void RedisBroker::on_announcement(redisReply* reply) {
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
  const std::string_view kind = text_of(reply->element[0]);
  if (kind == "subscribe") {
    if (state_ == State::connecting) {
      set_state(State::syncing);
      request_snapshot();
    }
    return;
  }
  if (kind != "message" || reply->element[2]->type != REDIS_REPLY_STRING) return;
  const std::string_view payload = text_of(reply->element[2]);
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
    request_snapshot();
    return;
  }
  take_announced(*entry, util::steady_ms());
  release_waiting();
}

void RedisBroker::take_announced(const RedisEntry& entry, int64_t now_ms) {
  if (entry.seq <= seen_seq_) return;  // in the snapshot already
  take(make_message(entry.channel, entry, ids_), now_ms);
  heard(entry.seq);
}

void RedisBroker::request_snapshot() {
  const std::string candidate_epoch = core::IdScheme().run_token();
  const std::string floor = std::to_string(seen_seq_);
  commands_->command({"EVAL", redis_scripts::kSnapshot, "0", candidate_epoch, floor},
                     [this, alive = std::weak_ptr<bool>(alive_)](redisReply* reply) {
                       if (!alive.expired()) apply_snapshot(reply);
                     });
}

void RedisBroker::apply_snapshot(redisReply* reply) {
  if (state_ != State::syncing) return;
  const auto snapshot = read_snapshot(reply);
  if (!snapshot) {
    on_link_down("loading the history failed: " + error_of(reply));
    return;
  }
  const std::string epoch(snapshot->epoch);
  if (epoch != ids_.run_token()) {
    if (!channels_.empty()) PW_LOG(warn, where_, ": ids of earlier messages are void now");
    ids_ = core::IdScheme(epoch);
    channels_.clear();
  }
  const int64_t steady_now = util::steady_ms();
  const int64_t wall_now = util::wall_ms();
  for (const Snapshot::Channel& found : snapshot->channels) {
    const std::string channel(found.name);
    uint64_t evicted = found.evicted;
    std::vector<RedisEntry> kept;
    for (size_t j = 0; j < found.entries->elements; ++j) {
      const redisReply* element = found.entries->element[j];
      if (!is_text(element)) continue;
      const auto entry = decode_history_entry(text_of(element));
      if (!entry) continue;
      if (entry->time_ms + channels_.limits().ttl_ms <= wall_now) evicted = std::max(evicted, entry->seq);
      else kept.push_back(*entry);
    }
    const core::History* mirrored = channels_.find(channel);
    const uint64_t known = mirrored ? mirrored->last_seq() : 0;
    if (!mirrored && !kept.empty()) channels_.of(channel, std::max(evicted, kept.front().seq - 1));
    for (const RedisEntry& entry : kept)
      if (entry.seq > known && entry.seq > seen_seq_) take(make_message(channel, entry, ids_), steady_now - (wall_now - entry.time_ms));
  }
  seen_seq_ = std::max(seen_seq_, snapshot->seq);
  for (const std::string& payload : early_) {
    const auto entry = decode_announcement(payload);
    if (entry && entry->epoch == ids_.run_token()) take_announced(*entry, steady_now);
  }
  early_.clear();
  set_state(State::ready);
  if (backoff_ms_) PW_LOG(info, where_, ": back, caught up");
  backoff_ms_ = 0;
  release_waiting();
  for (auto& [message, done, retry] : std::exchange(resend_after_sync_, {}))
    send_publish(std::move(message), std::move(done), retry);
  if (on_ready_) {
    auto on_ready = std::move(on_ready_);
    on_ready_ = nullptr;
    on_ready("");
  }
}

void RedisBroker::take(core::MessagePtr message, int64_t kept_since_ms) {
  channels_.append(message, message->seq - 1, kept_since_ms);
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
  if (state_ == State::syncing) {  // connected, reloading for a moment: goes once that is done
    resend_after_sync_.push_back({std::move(message), std::move(done), false});
    return;
  }
  send_publish(std::move(message), std::move(done), false);
}

void RedisBroker::send_publish(std::shared_ptr<core::Message> message, PublishDone done, bool retry) {
  const std::string history_key = std::string(redis_scripts::kHistoryPrefix) + message->channel;
  const std::string evicted_key = std::string(redis_scripts::kEvictedPrefix) + message->channel;
  const std::string time = std::to_string(message->time_ms);
  const std::string max = std::to_string(channels_.limits().max_messages);
  const std::string ttl = std::to_string(std::max<int64_t>(channels_.limits().ttl_ms, 1));
  commands_->command(
      {"EVAL", redis_scripts::kPublish, "4", redis_scripts::kEpochKey, redis_scripts::kSeqKey, history_key, evicted_key,
       ids_.run_token(), message->channel, message->event, message->data, time, max, ttl},
      [this, alive = std::weak_ptr<bool>(alive_), message, done = std::move(done), retry](redisReply* reply) mutable {
        if (alive.expired()) return;
        on_published(reply, std::move(message), std::move(done), retry);
      });
}

void RedisBroker::on_published(redisReply* reply, std::shared_ptr<core::Message> message, PublishDone done,
                               bool retry) {
  if (!reply || reply->type != REDIS_REPLY_INTEGER || reply->integer <= 0) {
    const std::string why = error_of(reply);
    // The script refused before taking a number: nothing was kept, so the
    // publish goes again once this thread knows the new id space.
    if (why.starts_with("PUSHWIRE_EPOCH") && !retry && state_ != State::down && state_ != State::stopped) {
      PW_LOG(info, where_, ": the id space changed (was Redis emptied?); reloading");
      resend_after_sync_.push_back({std::move(message), std::move(done), true});
      if (state_ == State::ready) {
        set_state(State::syncing);
        request_snapshot();
      }
      return;
    }
    PW_LOG(warn, where_, ": a publish to ", message->channel, " failed: ", why);
    done(nullptr);
    return;
  }
  message->seq = static_cast<uint64_t>(reply->integer);
  message->id = ids_.make_id(message->seq);
  if (state_ != State::ready) {  // Redis has it; this thread cannot tell when others hear it
    done(std::move(message));
    return;
  }
  const uint64_t seq = message->seq;
  waiting_publishes_.push_back({seq, util::steady_ms() + kPublishWaitMs, std::move(message), std::move(done)});
  release_waiting();
}

void RedisBroker::replay(std::string_view channel, const std::string* since, ReplayDone done) {
  const core::Cursor cursor = core::Cursor::parse(since, ids_);
  if (cursor.kind == core::Cursor::Kind::after && cursor.seq > seen_seq_ && state_ == State::ready) {
    waiting_replays_.push_back({std::string(channel), *since, cursor.seq, util::steady_ms() + kReplayWaitMs, std::move(done)});
    return;
  }
  done(channels_.replay(channel, cursor, seen_seq_, util::steady_ms()));
}

void RedisBroker::set_state(State state) {
  state_ = state;
  progress_->set(thread_, state == State::ready ? seen_seq_ : RedisProgress::kNotListening);
}

void RedisBroker::heard(uint64_t seq) {
  seen_seq_ = seq;
  if (state_ == State::ready) progress_->set(thread_, seq);
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
  std::vector<WaitingReplay> due;
  for (auto it = waiting_replays_.begin(); it != waiting_replays_.end();) {
    if (it->seq <= seen_seq_ || it->deadline_ms <= now || state_ != State::ready) {
      due.push_back(std::move(*it));
      it = waiting_replays_.erase(it);
    } else {
      ++it;
    }
  }
  // Answered from the mirror now: caught up, or the id was never given out.
  for (WaitingReplay& w : due) {
    w.done(channels_.replay(w.channel, core::Cursor::parse(&w.since, ids_), seen_seq_, now));
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
  if (now >= next_expiry_ms_) {
    next_expiry_ms_ = now + 1000;
    channels_.expire(now);
  }
}

void RedisBroker::shut_down() {
  if (state_ == State::stopped && !commands_) return;
  set_state(State::stopped);
  answer_pending_publishes();
  run_waiting_replays();
  commands_.reset();
  announcements_.reset();
  for (uv_timer_t* timer : {&timer_, &recheck_})
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(timer))) uv_close(reinterpret_cast<uv_handle_t*>(timer), nullptr);
}

}  // namespace pushwire::broker
