#pragma once
#include <cstdint>
#include <string>

#include "core/message.h"

namespace pushwire::core {

class Fanout;

// Something on one event-loop thread that wants a channel's messages: a
// long-poll request, an SSE stream, a WebSocket subscription. Messages reach
// it in publish order; one it has already had (from a replay) is skipped.
class Subscriber {
 public:
  virtual ~Subscriber() = default;

  // Called by Fanout; forwards each message at most once to on_message.
  void deliver(const MessagePtr& message) {
    if (message->seq <= delivered_through_) return;
    delivered_through_ = message->seq;
    on_message(message);
  }
  // Fanout calls this a few subscribers before delivering to this one: fetch
  // into the cache what on_message will touch. The default does nothing.
  virtual void prefetch() const {}

  void set_delivered_through(uint64_t seq) { delivered_through_ = seq; }
  uint64_t delivered_through() const { return delivered_through_; }

 protected:
  virtual void on_message(const MessagePtr& message) = 0;

 private:
  friend class Fanout;
  uint64_t delivered_through_ = 0;
  size_t fanout_index_ = 0;  // where Fanout keeps it, for O(1) removal
};

}  // namespace pushwire::core
