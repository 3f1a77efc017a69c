#include "core/channel_histories.h"

#include <algorithm>

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

const History* ChannelHistories::find(std::string_view channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() ? nullptr : it->second.get();
}

void ChannelHistories::append(MessagePtr message, int64_t now_ms) {
  auto& slot = channels_[message->channel];
  if (!slot) slot = std::make_unique<History>(limits_, dropped_through_, message->seq - 1);
  History& history = *slot;
  update(history, [&] { history.append(std::move(message), now_ms); });
  trim_to_budget();
}

void ChannelHistories::trim_to_budget() {
  while (bytes_ > limits_.max_total_bytes && !by_oldest_.empty()) {
    History& history = *by_oldest_.begin()->second;
    const std::string channel = history.oldest().channel;
    update(history, [&] { history.drop_oldest(); });
    if (!history.empty()) continue;
    dropped_through_ = std::max(dropped_through_, history.last_seq());
    channels_.erase(channel);
  }
}

Replay ChannelHistories::replay(std::string_view channel, const Cursor& cursor, uint64_t last_seq, int64_t now_ms) {
  auto it = channels_.find(channel);
  History* history = it != channels_.end() ? it->second.get() : nullptr;
  if (history) update(*history, [&] { history->expire(now_ms); });
  if (cursor.scope == CursorScope::stream && cursor.kind == Cursor::Kind::after)
    return replay_stream(history, cursor.seq, last_seq, now_ms);
  if (history) return history->replay(cursor, now_ms);
  return History(limits_, dropped_through_, last_seq).replay(cursor, now_ms);
}

// A stream cursor names a place in the publish order, often past this
// channel's newest message. Past the broker's newest it names nothing given
// out yet, so it is unknown.
Replay ChannelHistories::replay_stream(History* history, uint64_t seq, uint64_t last_seq, int64_t now_ms) {
  if (seq > last_seq) {
    const Cursor unknown{Cursor::Kind::unknown, 0};
    return history ? history->replay(unknown, now_ms) : History(limits_, last_seq).replay(unknown, now_ms);
  }
  if (history) return history->replay_after_place(seq, dropped_through_, now_ms);
  return History(limits_, last_seq).replay_after_place(seq, dropped_through_, now_ms);
}

void ChannelHistories::expire(int64_t now_ms) {
  for (auto it = channels_.begin(); it != channels_.end();) {
    History& history = *it->second;
    update(history, [&] { history.expire(now_ms); });
    if (!history.empty()) {
      ++it;
      continue;
    }
    dropped_through_ = std::max(dropped_through_, history.last_seq());
    it = channels_.erase(it);
  }
}

void ChannelHistories::clear() {
  channels_.clear();
  by_oldest_.clear();
  bytes_ = 0;
}

}  // namespace pushwire::core
