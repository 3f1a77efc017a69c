#include "transports/session_channels.h"

#include <algorithm>
#include <utility>

#include "transports/channel_limit.h"

namespace pushwire::transports {

std::optional<core::SessionOpResult> SessionChannels::refusal(const core::SessionOp& op) {
  auto refuse = [&op](std::string code, std::string message) {
    return core::SessionOpResult{op.ref, std::move(code), std::move(message)};
  };
  const bool subscribed = contains(op.channel);
  if (op.kind == core::SessionOp::Kind::subscribe) {
    if (subscribed) return refuse("already_subscribed", "the session has this channel already");
    if (over_channel_limit(context_, channels_.size()))
      return refuse("too_many_channels", channel_limit_message(context_.settings));
  } else if (!subscribed) {
    return refuse("not_subscribed", "the session does not have this channel");
  }
  return std::nullopt;
}

void SessionChannels::subscribe(const std::string& channel, const std::string* since, core::CursorScope scope) {
  if (contains(channel)) return;
  Channel* listener = channels_.emplace_back(std::make_unique<Channel>(*this)).get();
  ++replays_due_;
  listener->replay_due = true;
  listener->listen(context_, channel, since, [this, listener](core::Replay replay) {
    listener->replay_due = false;
    held_positions_.emplace_back(listener->channel(), std::move(replay.position));
    if (replay.gap) held_gaps_.push_back(listener->channel());
    held_.insert(held_.end(), replay.messages.begin(), replay.messages.end());
    replay_done();
  }, scope);
}

SessionChannels::Channels::const_iterator SessionChannels::find(std::string_view channel) const {
  return std::find_if(channels_.begin(), channels_.end(), [&](const auto& c) { return c->channel() == channel; });
}

void SessionChannels::unsubscribe(const std::string& channel) {
  auto it = find(channel);
  if (it == channels_.end()) return;
  // A replay still due never comes once its listener is gone: stop waiting for it.
  const bool replay_was_due = (*it)->replay_due;
  channels_.erase(it);
  if (replay_was_due) replay_done();
}

void SessionChannels::on_live(const core::MessagePtr& message) {
  if (replays_due_ > 0) held_.push_back(message);
  else sink_.on_message(message);
}

void SessionChannels::replay_done() {
  if (--replays_due_ > 0) return;
  // Still holding: whatever was published before the replays were read comes
  // live now, and joins what is held; the sink hears it settled once all of
  // it was handed on.
  ++replays_due_;
  context_.fanout.drain();
  const bool handed = hand_held();
  --replays_due_;
  sink_.on_settled(handed);
}

bool SessionChannels::hand_held() {
  std::vector<core::MessagePtr> held = std::exchange(held_, {});
  bool handed = false;
  for (const auto& [channel, position] : held_positions_)
    if (contains(channel)) sink_.on_position(channel, position);
  for (const std::string& channel : held_gaps_) {
    if (!contains(channel)) continue;
    sink_.on_gap(channel);
    handed = true;
  }
  std::stable_sort(held.begin(), held.end(), [](const auto& a, const auto& b) { return a->seq < b->seq; });
  uint64_t last_handed = 0;
  for (const core::MessagePtr& message : held) {
    if (message->seq == last_handed || !contains(message->channel)) continue;
    sink_.on_message(message);
    last_handed = message->seq;
    handed = true;
  }
  // Freed, not only emptied: an idle session keeps no replay's worth of room.
  std::vector<std::pair<std::string, std::string>>().swap(held_positions_);
  std::vector<std::string>().swap(held_gaps_);
  return handed;
}

}  // namespace pushwire::transports
