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
  // nullptr if nothing is kept for the channel.
  const History* find(std::string_view channel) const;

  // What a subscriber starting at `cursor` gets. A channel with nothing kept
  // answers as if everything up to `last_seq` (the broker's) had been dropped.
  // A stream-scoped cursor is taken as a place in the publish order.
  Replay replay(std::string_view channel, const Cursor& cursor, uint64_t last_seq, int64_t now_ms);

  // Drops expired messages, and the channels left with none.
  void expire(int64_t now_ms);
  void clear() { channels_.clear(); }
  // Channels unknown here may have been dropped having kept messages up to
  // `seq` (a copy loaded from elsewhere did not see them go).
  void assume_dropped_through(uint64_t seq) { dropped_through_ = std::max(dropped_through_, seq); }
  size_t size() const { return channels_.size(); }
  bool empty() const { return channels_.empty(); }
  const HistoryLimits& limits() const { return limits_; }

 private:
  Replay replay_stream(History* history, uint64_t seq, uint64_t last_seq, int64_t now_ms);

  HistoryLimits limits_;
  util::StringMap<std::unique_ptr<History>> channels_;
  uint64_t dropped_through_ = 0;  // the newest message any dropped channel had let go of
};

}  // namespace pushwire::core
