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
    if (over_channel_limit(context_, count_))
      return refuse("too_many_channels", channel_limit_message(context_.settings));
  } else if (!subscribed) {
    return refuse("not_subscribed", "the session does not have this channel");
  }
  return std::nullopt;
}

void SessionChannels::subscribe(const std::string& channel, const std::string* since, core::CursorScope scope) {
  Channel** link = &first_;
  for (; *link; link = &(*link)->next)
    if ((*link)->channel() == channel) return;
  Channel* listener = *link = new Channel(*this);
  ++count_;
  ++replays_due_;
  listener->listen(channel, since, [this, listener](core::Replay replay) {
    Held& held = this->held();
    held.positions.emplace_back(listener->channel(), std::move(replay.position));
    if (replay.gap) held.gaps.push_back(listener->channel());
    held.messages.insert(held.messages.end(), replay.messages.begin(), replay.messages.end());
    replay_done();
  }, scope);
}

SessionChannels::Channel* SessionChannels::find(std::string_view channel) const {
  for (Channel* c = first_; c; c = c->next)
    if (c->channel() == channel) return c;
  return nullptr;
}

void SessionChannels::unsubscribe(const std::string& channel) {
  for (Channel** link = &first_; *link; link = &(*link)->next) {
    Channel* gone = *link;
    if (gone->channel() != channel) continue;
    *link = gone->next;
    --count_;
    ++removals_;
    forget_held(channel);
    // A replay still due never comes once its listener is gone: stop waiting for it.
    const bool replay_was_due = gone->replay_due();
    delete gone;
    if (replay_was_due) replay_done();
    return;
  }
}

void SessionChannels::clear() {
  while (Channel* gone = first_) {
    first_ = gone->next;
    delete gone;
  }
  count_ = 0;
  ++removals_;
  held_.reset();
}

void SessionChannels::on_live(const core::MessagePtr& message) {
  if (replays_due_ > 0) held().messages.push_back(message);
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

void SessionChannels::forget_held(std::string_view channel) {
  if (!held_) return;
  std::erase_if(held_->positions, [channel](const auto& entry) { return entry.first == channel; });
  std::erase_if(held_->gaps, [channel](const std::string& gap) { return gap == channel; });
  std::erase_if(held_->messages, [channel](const core::MessagePtr& m) { return m->channel == channel; });
}

SessionChannels::Held& SessionChannels::held() {
  if (!held_) held_ = std::make_unique<Held>();
  return *held_;
}

bool SessionChannels::hand_held() {
  const std::unique_ptr<Held> held = std::move(held_);
  if (!held) return false;
  bool handed = false;
  // What was held for a channel removed before now went with it; one removed
  // by the sink while this hands on (a stream that ends) is checked for.
  const uint32_t removals = removals_;
  auto gone = [&](std::string_view channel) { return removals_ != removals && !contains(channel); };
  for (const auto& [channel, position] : held->positions)
    if (!gone(channel)) sink_.on_position(channel, position);
  for (const std::string& channel : held->gaps) {
    if (gone(channel)) continue;
    sink_.on_gap(channel);
    handed = true;
  }
  std::vector<core::MessagePtr>& messages = held->messages;
  std::stable_sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) { return a->seq < b->seq; });
  uint64_t last_handed = 0;
  for (const core::MessagePtr& message : messages) {
    if (message->seq == last_handed || gone(message->channel)) continue;
    sink_.on_message(message);
    last_handed = message->seq;
    handed = true;
  }
  return handed;
}

}  // namespace pushwire::transports
