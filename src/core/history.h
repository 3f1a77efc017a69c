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
  size_t max_total_bytes = size_t{256} << 20;  // all channels together (ChannelHistories)
  // With Redis: how long a channel's newest seq is remembered after its last
  // publish or read, so that a cursor at it is not taken for one that missed
  // messages once the history itself has expired.
  int64_t last_id_ttl_ms = 86'400'000;
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
  // For a stream cursor: after place `seq` of the publish order (at most the
  // broker's newest). What this history let go of is lost for sure; from
  // before it began, only what a dropped channel let go of
  // (`dropped_through`) may have been this channel's.
  Replay replay_after_place(uint64_t seq, uint64_t dropped_through, int64_t now_ms);

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
  uint64_t began_through_;  // evicted_through when made
  uint64_t evicted_through_;
  uint64_t last_seq_;
  size_t bytes_ = 0;
};

// The memory a kept message takes, as counted against HistoryLimits::max_total_bytes:
// its text, names and id, and the record that holds them (not the encodings
// for each wire format, made later by subscribers).
size_t message_bytes(const Message& message);

}  // namespace pushwire::core
