#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/message.h"
#include "core/message_id.h"

namespace pushwire::core {

// What a subscriber gets when it starts: the kept messages after its cursor,
// whether some it asked for are gone, and from where live delivery goes on.
struct Replay {
  std::vector<MessagePtr> messages;
  bool gap = false;
  uint64_t resume_after = 0;  // live messages with seq <= this were covered here: the channel's position
  // resume_after as an id (set by the broker, which knows the id scheme): the
  // cursor to resume from when no message came with this replay.
  std::string position;
};

struct HistoryLimits {
  size_t max_messages = 100;
  int64_t ttl_ms = 300'000;
};

// The messages one channel keeps, oldest first, bounded in count and age.
// Not thread-safe: its owner serialises access.
class History {
 public:
  // `evicted_through`: the highest seq that may have existed in this channel
  // before this history began; cursors at or before it may have missed some.
  History(HistoryLimits limits, uint64_t evicted_through) : History(limits, evicted_through, evicted_through) {}
  // `last_seq`: the highest seq given out anywhere so far (a later cursor is not ours).
  History(HistoryLimits limits, uint64_t evicted_through, uint64_t last_seq);

  void append(MessagePtr message, int64_t now_ms);
  void expire(int64_t now_ms);
  Replay replay(const Cursor& cursor, int64_t now_ms);

  bool empty() const { return entries_.empty(); }
  uint64_t last_seq() const { return last_seq_; }

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
};

}  // namespace pushwire::core
