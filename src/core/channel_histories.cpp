#include "core/channel_histories.h"

#include <algorithm>

namespace pushwire::core {

History& ChannelHistories::of(const std::string& channel, uint64_t evicted_through) {
  auto& history = channels_[channel];
  if (!history) history = std::make_unique<History>(limits_, evicted_through);
  return *history;
}

const History* ChannelHistories::find(std::string_view channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() ? nullptr : it->second.get();
}

Replay ChannelHistories::replay(std::string_view channel, const Cursor& cursor, uint64_t last_seq, int64_t now_ms) {
  auto it = channels_.find(channel);
  History* history = it != channels_.end() ? it->second.get() : nullptr;
  if (cursor.scope == CursorScope::stream && cursor.kind == Cursor::Kind::after)
    return replay_stream(history, cursor.seq, last_seq, now_ms);
  if (history) return history->replay(cursor, now_ms);
  return History(limits_, last_seq).replay(cursor, now_ms);
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
