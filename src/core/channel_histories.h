#pragma once
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
  // nullptr if nothing is kept for the channel.
  const History* find(std::string_view channel) const;

  // What a subscriber starting at `cursor` gets. A channel with nothing kept
  // answers as if everything up to `last_seq` (the broker's) had been dropped.
  Replay replay(std::string_view channel, const Cursor& cursor, uint64_t last_seq, int64_t now_ms);

  // Drops expired messages, and the channels left with none.
  void expire(int64_t now_ms);
  void clear() { channels_.clear(); }
  size_t size() const { return channels_.size(); }
  bool empty() const { return channels_.empty(); }
  const HistoryLimits& limits() const { return limits_; }

 private:
  HistoryLimits limits_;
  util::StringMap<std::unique_ptr<History>> channels_;
};

}  // namespace pushwire::core
