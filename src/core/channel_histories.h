#pragma once
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "core/history.h"
#include "util/string_map.h"

namespace pushwire::core {

// The History of every channel with something kept, within one byte budget
// for all of them (HistoryLimits::max_total_bytes): over it, the oldest
// message of any channel is dropped first. Not thread-safe: its owner (a
// broker) serialises access.
class ChannelHistories {
 public:
  explicit ChannelHistories(HistoryLimits limits) : limits_(limits) {}

  // nullptr if nothing is kept for the channel.
  const History* find(std::string_view channel) const;

  // Keeps `message` in its channel's history, then drops the oldest messages
  // of all channels while over budget. A channel with no history yet may have
  // had messages up to the last seq of a channel dropped so far, not beyond.
  void append(MessagePtr message, int64_t now_ms);

  // What a subscriber starting at `cursor` gets. A channel with nothing kept
  // answers as if it had had messages up to the last seq of any channel
  // dropped so far, and sits at `last_seq` (the broker's).
  // A stream-scoped cursor is taken as a place in the publish order.
  Replay replay(std::string_view channel, const Cursor& cursor, uint64_t last_seq, int64_t now_ms);

  // Drops expired messages, and the channels left with none.
  void expire(int64_t now_ms);
  void clear();
  size_t size() const { return channels_.size(); }
  bool empty() const { return channels_.empty(); }
  size_t bytes() const { return bytes_; }
  const HistoryLimits& limits() const { return limits_; }

 private:
  // Runs `change` on `history`, then brings bytes_ and by_oldest_ up to date.
  template <typename Change>
  void update(History& history, Change change);
  void trim_to_budget();
  Replay replay_stream(History* history, uint64_t seq, uint64_t last_seq, int64_t now_ms);

  HistoryLimits limits_;
  util::StringMap<std::unique_ptr<History>> channels_;
  // Every non-empty history by the seq of its oldest message: where the
  // budget takes from first. Seqs grow with publish order across channels.
  std::set<std::pair<uint64_t, History*>> by_oldest_;
  size_t bytes_ = 0;
  uint64_t dropped_through_ = 0;  // the newest message any dropped channel had let go of
};

}  // namespace pushwire::core
