#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "core/message.h"
#include "core/message_id.h"

namespace pushwire::core {

// What a subscriber gets when it starts: the kept messages after its cursor,
// whether some it asked for are gone, and from where live delivery goes on.
struct Replay {
  std::vector<MessagePtr> messages;
  bool gap = false;
  MessagePtr newest;          // the channel's newest kept message, if any
  uint64_t resume_after = 0;  // live messages with seq <= this were covered here
};

struct HistoryLimits {
  size_t max_messages = 100;
  int64_t ttl_ms = 300'000;
  size_t max_total_bytes = size_t{256} << 20;  // all channels together (ChannelHistories)
};

// The messages one channel keeps, oldest first, bounded in count and age.
// Not thread-safe: its owner serialises access.
class History {
 public:
  // `evicted_through`: the highest seq that may have existed in this channel
  // before this history began; cursors at or before it may have missed some.
  History(HistoryLimits limits, uint64_t evicted_through);

  void append(MessagePtr message, int64_t now_ms);
  void expire(int64_t now_ms);
  Replay replay(const Cursor& cursor, int64_t now_ms);

  bool empty() const { return entries_.empty(); }
  uint64_t last_seq() const { return last_seq_; }
  // What the kept messages take, by message_bytes().
  size_t bytes() const { return bytes_; }
  // The oldest kept message; only when not empty().
  const Message& oldest() const { return *entries_.front().message; }
  // Drops the oldest kept message; later cursors from before it see a gap.
  void drop_oldest() { evict_front(); }

 private:
  struct Entry {
    MessagePtr message;
    int64_t expires_at_ms;
  };
  void evict_front();

  HistoryLimits limits_;
  std::deque<Entry> entries_;
  uint64_t evicted_through_;
  uint64_t last_seq_;
  size_t bytes_ = 0;
};

// The memory a kept message takes, as counted against HistoryLimits::max_total_bytes:
// its text, names and id, and the record that holds them (not the encodings
// for each wire format, made later by subscribers).
size_t message_bytes(const Message& message);

}  // namespace pushwire::core
