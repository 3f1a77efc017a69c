#include "transports/session_channels.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "transports/channel_limit.h"

namespace pushwire::transports {

std::optional<core::SessionOpResult> SessionChannels::refusal(const core::SessionOp& op) {
  auto refuse = [&op](std::string code, std::string message) {
    return core::SessionOpResult{op.ref, std::move(code), std::move(message)};
  };
  const bool subscribed = channels_.contains(op.channel);
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
  // In the map's node itself (nodes do not move): one allocation a channel, not two.
  auto [it, added] = channels_.emplace(std::piecewise_construct, std::forward_as_tuple(channel),
                                       std::forward_as_tuple(*this));
  if (!added) return;
  ++replays_due_;
  Channel* listener = &it->second;
  listener->replay_due = true;
  listener->listen(context_, channel, since, [this, listener](core::Replay replay) {
    listener->replay_due = false;
    held_positions_.emplace_back(listener->channel(), std::move(replay.position));
    if (replay.gap) held_gaps_.push_back(listener->channel());
    held_.insert(held_.end(), replay.messages.begin(), replay.messages.end());
    replay_done();
  }, scope);
}

void SessionChannels::unsubscribe(const std::string& channel) {
  auto node = channels_.extract(channel);
  // A replay still due never comes once its listener is gone: stop waiting for it.
  if (!node.empty() && node.mapped().replay_due) replay_done();
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
    if (channels_.contains(channel)) sink_.on_position(channel, position);
  for (const std::string& channel : held_gaps_) {
    if (!channels_.contains(channel)) continue;
    sink_.on_gap(channel);
    handed = true;
  }
  std::stable_sort(held.begin(), held.end(), [](const auto& a, const auto& b) { return a->seq < b->seq; });
  uint64_t last_handed = 0;
  for (const core::MessagePtr& message : held) {
    if (message->seq == last_handed || !channels_.contains(message->channel)) continue;
    sink_.on_message(message);
    last_handed = message->seq;
    handed = true;
  }
  held_positions_.clear();
  held_gaps_.clear();
  return handed;
}

}  // namespace pushwire::transports
