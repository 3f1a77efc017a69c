#include "core/channel_histories.h"

namespace pushwire::core {

History& ChannelHistories::of(const std::string& channel, uint64_t evicted_through) {
  auto& history = channels_[channel];
  if (!history) history = std::make_unique<History>(limits_, evicted_through);
  return *history;
}

History& ChannelHistories::for_message(const Message& message) {
  auto& history = channels_[message.channel];
  if (!history) history = std::make_unique<History>(limits_, dropped_through_, message.seq - 1);
  return *history;
}

const History* ChannelHistories::find(std::string_view channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() ? nullptr : it->second.get();
}

Replay ChannelHistories::replay(std::string_view channel, const Cursor& cursor, uint64_t last_seq, int64_t now_ms) {
  auto it = channels_.find(channel);
  if (it != channels_.end()) return it->second->replay(cursor, now_ms);
  return History(limits_, dropped_through_, last_seq).replay(cursor, now_ms);
}

void ChannelHistories::expire(int64_t now_ms) {
  for (auto it = channels_.begin(); it != channels_.end();) {
    it->second->expire(now_ms);
    if (!it->second->empty()) {
      ++it;
      continue;
    }
    dropped_through_ = std::max(dropped_through_, it->second->last_seq());
    it = channels_.erase(it);
  }
}

}  // namespace pushwire::core
