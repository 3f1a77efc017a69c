#include "core/history.h"

namespace pushwire::core {

size_t message_bytes(const Message& message) {
  return sizeof(Message) + message.channel.size() + message.id.size() + message.event.size() + message.data.size();
}

History::History(HistoryLimits limits, uint64_t evicted_through)
    : limits_(limits), evicted_through_(evicted_through), last_seq_(evicted_through) {}

void History::append(MessagePtr message, int64_t now_ms) {
  last_seq_ = message->seq;
  if (limits_.max_messages == 0) {
    evicted_through_ = last_seq_;
    return;
  }
  bytes_ += message_bytes(*message);
  entries_.push_back({std::move(message), now_ms + limits_.ttl_ms});
  while (entries_.size() > limits_.max_messages) evict_front();
}

void History::expire(int64_t now_ms) {
  while (!entries_.empty() && entries_.front().expires_at_ms <= now_ms) evict_front();
}

void History::evict_front() {
  evicted_through_ = entries_.front().message->seq;
  bytes_ -= message_bytes(*entries_.front().message);
  entries_.pop_front();
}

Replay History::replay(const Cursor& cursor, int64_t now_ms) {
  expire(now_ms);
  Replay out;
  if (!entries_.empty()) out.newest = entries_.back().message;
  out.resume_after = last_seq_;

  uint64_t after = 0;
  switch (cursor.kind) {
    case Cursor::Kind::newest:
      return out;
    case Cursor::Kind::oldest:
      break;
    case Cursor::Kind::after:
      if (cursor.seq > last_seq_) {  // not an id this channel has given out
        out.gap = true;
        break;
      }
      after = cursor.seq;
      out.gap = evicted_through_ > cursor.seq;
      break;
    case Cursor::Kind::unknown:
      out.gap = true;
      break;
  }
  for (const Entry& entry : entries_)
    if (entry.message->seq > after) out.messages.push_back(entry.message);
  return out;
}

}  // namespace pushwire::core
