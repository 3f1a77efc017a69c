#pragma once
#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

#include "core/message.h"

namespace pushwire::broker {

// The messages a thread hears while history reads are on their way to Redis
// and back. A read's answer covers the sequence up to the point where Redis
// ran it, but announcements after that point travel on the other connection
// and may be heard (and handed to the Fanout, which the waiting subscriber
// then skips) before the answer arrives: this log fills that gap. Reads are
// answered in the order they were sent, so what is older than the oldest
// read still on its way is dropped, and the log stays as small as one round
// trip's traffic.
class RedisHeardLog {
 public:
  // A read is sent now; `heard_through` is the last seq heard so far.
  void read_sent(uint64_t heard_through) { reads_.push_back(heard_through); }
  // The oldest read was answered (or failed).
  void read_answered();
  void heard(const core::MessagePtr& message);
  // The messages of `channel` heard after `seq`, oldest first.
  std::vector<core::MessagePtr> of(std::string_view channel, uint64_t seq) const;
  void clear();
  size_t bytes() const { return bytes_; }

 private:
  std::deque<uint64_t> reads_;  // heard_through of each read on its way, oldest first
  std::deque<core::MessagePtr> messages_;
  size_t bytes_ = 0;
};

}  // namespace pushwire::broker
