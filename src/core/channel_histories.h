#pragma once
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include "core/history.h"
#include "util/string_map.h"

namespace pushwire::core {

// The History of every channel with something kept. Not thread-safe: its
// owner (a broker) serialises access.
class ChannelHistories {
 public:
  explicit ChannelHistories(HistoryLimits limits) : limits_(limits) {}

  // The channel's history, made with `evicted_through` if it has none yet.
  History& of(const std::string& channel, uint64_t evicted_through);
  // The history `message` goes to. A channel with none yet may have had
  // messages up to the last seq of a channel dropped so far, not beyond.
  History& for_message(const Message& message);
  // Channels may have been dropped with messages up to `seq` unseen here (a
  // copy loaded from elsewhere).
  void assume_dropped_through(uint64_t seq) { dropped_through_ = std::max(dropped_through_, seq); }
  // nullptr if nothing is kept for the channel.
  const History* find(std::string_view channel) const;

  // What a subscriber starting at `cursor` gets. A channel with nothing kept
  // answers as if it had had messages up to the last seq of any channel
  // dropped so far, and sits at `last_seq` (the broker's).
  Replay replay(std::string_view channel, const Cursor& cursor, uint64_t last_seq, int64_t now_ms);

  // Drops expired messages, and the channels left with none.
  void expire(int64_t now_ms);
  void clear() {
    channels_.clear();
    dropped_through_ = 0;
  }
  size_t size() const { return channels_.size(); }
  bool empty() const { return channels_.empty(); }
  const HistoryLimits& limits() const { return limits_; }

 private:
  HistoryLimits limits_;
  util::StringMap<std::unique_ptr<History>> channels_;
  uint64_t dropped_through_ = 0;  // the highest last seq of a channel dropped
};

}  // namespace pushwire::core
