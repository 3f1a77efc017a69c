#include "transports/session_stream.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "transports/channel_limit.h"
#include "transports/session_op.h"
#include "util/clock.h"
#include "util/json_escape.h"

namespace pushwire::transports {

SessionStream::SessionStream(Context& context, http::Exchange& exchange, const StreamStyle& style, std::string prefix)
    : context_(context), exchange_(exchange), writer_(context, exchange, style, std::move(prefix)) {}

SessionStream::~SessionStream() {
  if (id().empty()) return;
  context_.sessions.remove(*this);
  util::Metrics::add(context_.metrics.sessions_open, -1);
}

void SessionStream::start(Context& context, http::Exchange& exchange, const std::vector<std::string>& channels,
                          const std::string* since, const StreamStyle& style, int64_t expires_at_ms,
                          std::string prefix) {
  auto owned = std::unique_ptr<SessionStream>(new SessionStream(context, exchange, style, std::move(prefix)));
  SessionStream* self = owned.get();
  if (!context.sessions.add(*self)) {
    context.metrics.refused(util::Refusal::max_sessions);
    exchange.respond_error(503, "too_many_sessions", "the server has --max-sessions sessions open; try again later");
    return;
  }
  util::Metrics::add(context.metrics.sessions_created_total);
  util::Metrics::add(context.metrics.sessions_open, 1);
  exchange.hold(std::move(owned));
  self->writer_.set_label(self->id());
  self->writer_.open();
  self->writer_.control("_session", "{\"session\":" + util::json_string(self->id()) + "}");
  // Held until every replay is in, so that they are merged in publish order.
  self->expire_at(expires_at_ms);
  ++self->replays_due_;
  for (const std::string& channel : channels) self->subscribe(channel, since, core::CursorScope::stream);
  self->replay_done();
  exchange.release_request();  // `since` pointed into it; nothing reads it from now on
}

void SessionStream::expire_at(int64_t expires_at_ms) {
  if (!expires_at_ms || (expires_at_ms_ && expires_at_ms_ <= expires_at_ms)) return;
  expires_at_ms_ = expires_at_ms;
  if (!expiry_) expiry_ = std::make_unique<net::Timer>(context_.loop);
  expiry_->start(std::max<int64_t>(expires_at_ms - util::wall_ms(), 0), [this] { expire(); });
}

void SessionStream::expire() {
  if (exchange_.finished()) return;
  for (const auto& listener : channels_) writer_.control("_expired", channel_fields(listener->channel()));
  channels_.clear();
  exchange_.end();
}

core::SessionOpResult SessionStream::apply(const core::SessionOp& op) {
  auto refuse = [&op](std::string code, std::string message) {
    return core::SessionOpResult{op.ref, std::move(code), std::move(message)};
  };
  const bool subscribed = has(op.channel);
  core::SessionOpResult result{op.ref, {}, {}};
  if (op.kind == core::SessionOp::Kind::subscribe) {
    if (subscribed) result = refuse("already_subscribed", "the session has this channel already");
    else if (over_channel_limit(context_, channels_.size()))
      result = refuse("too_many_channels", channel_limit_message(context_.settings));
  } else if (!subscribed) {
    result = refuse("not_subscribed", "the session does not have this channel");
  }
  // The result goes first on the stream, then what the op brings.
  writer_.control("_ack", session_result_json(result));
  if (!result.code.empty()) return result;
  if (op.kind == core::SessionOp::Kind::subscribe) {
    subscribe(op.channel, op.since ? &*op.since : nullptr, core::CursorScope::channel);
    expire_at(op.expires_at_ms);
  } else {
    unsubscribe(op.channel);
  }
  return result;
}

namespace {
template <typename Channels>
auto find_channel(Channels& channels, std::string_view name) {
  return std::find_if(channels.begin(), channels.end(), [&](const auto& c) { return c->channel() == name; });
}
}  // namespace

bool SessionStream::has(std::string_view channel) const { return find_channel(channels_, channel) != channels_.end(); }

void SessionStream::subscribe(const std::string& channel, const std::string* since, core::CursorScope scope) {
  if (has(channel)) return;
  Channel* listener = channels_.emplace_back(std::make_unique<Channel>(*this)).get();
  ++replays_due_;
  listener->replay_due = true;
  listener->listen(context_, channel, since, [this, listener](core::Replay replay) {
    listener->replay_due = false;
    if (replay.gap) held_gaps_.push_back(listener->channel());
    held_.insert(held_.end(), replay.messages.begin(), replay.messages.end());
    replay_done();
  }, scope);
}

void SessionStream::unsubscribe(const std::string& channel) {
  auto it = find_channel(channels_, channel);
  if (it == channels_.end()) return;
  // A replay still due never comes once its listener is gone: stop waiting for it.
  const bool replay_was_due = (*it)->replay_due;
  channels_.erase(it);
  if (replay_was_due) replay_done();
}

void SessionStream::on_live(const core::MessagePtr& message) {
  if (replays_due_ > 0) held_.push_back(message);
  else write(message);
}

void SessionStream::replay_done() {
  if (--replays_due_ > 0) return;
  // Still holding: whatever was published before the replays were read comes
  // live now, and joins what is held.
  ++replays_due_;
  context_.fanout.drain();
  --replays_due_;
  write_held();
}

void SessionStream::write_held() {
  for (const std::string& channel : held_gaps_)
    if (has(channel)) writer_.control("_gap", channel_fields(channel));
  std::stable_sort(held_.begin(), held_.end(), [](const auto& a, const auto& b) { return a->seq < b->seq; });
  uint64_t last_written = 0;
  for (const core::MessagePtr& message : held_) {
    if (message->seq == last_written || !has(message->channel)) continue;
    write(message);
    last_written = message->seq;
  }
  const bool wrote = !held_gaps_.empty() || last_written != 0;
  // Freed, not only emptied: an idle session keeps no replay's worth of room.
  std::vector<std::string>().swap(held_gaps_);
  std::vector<core::MessagePtr>().swap(held_);
  if (cursor_named_ && !wrote) return;
  // With nothing drained on this thread yet, nothing was published before:
  // "0" (everything kept) is then exactly the place reached.
  const core::MessagePtr& reached = context_.fanout.last_drained();
  const uint64_t place = reached ? reached->seq : 0;
  if (cursor_named_ && cursor_seq_ == place) return;
  writer_.cursor(reached ? std::string_view(reached->id) : "0");
  cursor_named_ = true;
  cursor_seq_ = place;
}

void SessionStream::write(const core::MessagePtr& message) {
  writer_.message(message);
  cursor_named_ = true;
  cursor_seq_ = message->seq;
}

}  // namespace pushwire::transports
