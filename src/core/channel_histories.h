#pragma once
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

  // The channel's history, made with `evicted_through` if it has none yet.
  const History& of(const std::string& channel, uint64_t evicted_through);
  // nullptr if nothing is kept for the channel.
  const History* find(std::string_view channel) const;

  // Keeps `message` in its channel's history (made with `evicted_through` if
  // new), then drops the oldest messages of all channels while over budget.
  void append(MessagePtr message, uint64_t evicted_through, int64_t now_ms);

  // What a subscriber starting at `cursor` gets. A channel with nothing kept
  // answers as if everything up to `last_seq` (the broker's) had been dropped.
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
  History& history_of(const std::string& channel, uint64_t evicted_through);
  void trim_to_budget();

  HistoryLimits limits_;
  util::StringMap<std::unique_ptr<History>> channels_;
  // Every non-empty history by the seq of its oldest message: where the
  // budget takes from first. Seqs grow with publish order across channels.
  std::set<std::pair<uint64_t, History*>> by_oldest_;
  size_t bytes_ = 0;
};

}  // namespace pushwire::core
