#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "core/message.h"

namespace pushwire::transports {

// What a poll session keeps for its client between polls: messages, gap
// signals and added channels' positions in the order they came, each until
// the client acks an answer that carried it. An ack is the `last_id` of an
// answer; it drops what the newest answer with that cursor carried, so that
// after a lost answer (the client acks an older one) everything after the
// older one is sent again.
//
// At most `max_bytes` of messages are kept: past it the oldest go, and each
// of their channels gets a gap signal instead (once, until it is acked).
class SessionBuffer {
 public:
  struct Entry {
    enum class Kind : uint8_t { message, gap, position };
    uint64_t pos;
    Kind kind;
    core::MessagePtr message;  // Kind::message
    std::string signal_channel;  // Kind::gap and Kind::position
    std::string position;        // Kind::position: where the added channel stands
    const std::string& channel() const { return message ? message->channel : signal_channel; }
  };

  explicit SessionBuffer(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Returns how many older messages went to make room.
  size_t add_message(core::MessagePtr message);
  void add_gap(const std::string& channel);
  // An added channel stands at `position` (its cursor until a message of it comes).
  void add_position(const std::string& channel, std::string position);
  // A removed channel: whatever is kept for it goes.
  void forget(std::string_view channel);
  // What the client acked with `cursor` is dropped. Unknown cursors drop nothing.
  void ack(std::string_view cursor);
  // An answer reaching `cursor` carries everything held now.
  void answered(std::string_view cursor);

  const std::deque<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  size_t bytes() const { return bytes_; }

 private:
  struct Answer {
    std::string cursor;
    uint64_t end_pos;  // it carried the entries before this
  };
  static size_t cost(const core::MessagePtr& message);
  bool has_gap(std::string_view channel) const;

  const size_t max_bytes_;
  std::deque<Entry> entries_;
  uint64_t next_pos_ = 0;
  size_t bytes_ = 0;
  std::deque<Answer> answers_;
};

}  // namespace pushwire::transports
