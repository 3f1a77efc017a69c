#include "core/channel_histories.h"

namespace pushwire::core {

template <typename Change>
void ChannelHistories::update(History& history, Change change) {
  const bool had_messages = !history.empty();
  const uint64_t oldest_before = had_messages ? history.oldest().seq : 0;
  bytes_ -= history.bytes();
  change();
  bytes_ += history.bytes();
  if (had_messages && !history.empty() && history.oldest().seq == oldest_before) return;
  if (had_messages) by_oldest_.erase({oldest_before, &history});
  if (!history.empty()) by_oldest_.emplace(history.oldest().seq, &history);
}

History& ChannelHistories::history_of(const std::string& channel, uint64_t evicted_through) {
  auto& history = channels_[channel];
  if (!history) history = std::make_unique<History>(limits_, evicted_through);
  return *history;
}

const History& ChannelHistories::of(const std::string& channel, uint64_t evicted_through) {
  return history_of(channel, evicted_through);
}

const History* ChannelHistories::find(std::string_view channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() ? nullptr : it->second.get();
}

void ChannelHistories::append(MessagePtr message, uint64_t evicted_through, int64_t now_ms) {
  History& history = history_of(message->channel, evicted_through);
  update(history, [&] { history.append(std::move(message), now_ms); });
  trim_to_budget();
}

void ChannelHistories::trim_to_budget() {
  while (bytes_ > limits_.max_total_bytes && !by_oldest_.empty()) {
    History& history = *by_oldest_.begin()->second;
    const std::string channel = history.oldest().channel;
    update(history, [&] { history.drop_oldest(); });
    if (history.empty()) channels_.erase(channel);
  }
}

Replay ChannelHistories::replay(std::string_view channel, const Cursor& cursor, uint64_t last_seq, int64_t now_ms) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) return History(limits_, last_seq).replay(cursor, now_ms);
  History& history = *it->second;
  update(history, [&] { history.expire(now_ms); });
  return history.replay(cursor, now_ms);
}

void ChannelHistories::expire(int64_t now_ms) {
  for (auto it = channels_.begin(); it != channels_.end();) {
    History& history = *it->second;
    update(history, [&] { history.expire(now_ms); });
    it = history.empty() ? channels_.erase(it) : std::next(it);
  }
}

void ChannelHistories::clear() {
  channels_.clear();
  by_oldest_.clear();
  bytes_ = 0;
}

}  // namespace pushwire::core
