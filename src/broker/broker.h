#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "core/fanout.h"
#include "core/history.h"
#include "core/message.h"

namespace pushwire::broker {

// Where messages are ordered, kept and spread to every event-loop thread.
// The in-memory broker answers at once; a networked one (Redis) answers later
// on the caller's thread. Either way the callbacks run on the calling thread,
// so callers must make sure that what a callback uses is still there.
class Broker {
 public:
  virtual ~Broker() = default;

  // Gets ready to serve the calling thread's loop; `on_ready` is called once,
  // on that thread, with "" when it serves or with why it cannot.
  virtual void start(std::function<void(const std::string& error)> on_ready) { on_ready(""); }

  using PublishDone = std::function<void(core::MessagePtr)>;
  using ReplayDone = std::function<void(core::Replay)>;

  // Assigns id, seq and time, keeps the message, posts it to every attached
  // Fanout, then calls `done` with it. Names and UTF-8 are checked by callers.
  // `done` gets nullptr when the broker could not be reached: the publish may
  // then not have happened, and is not acknowledged.
  virtual void publish(std::string_view channel, std::string_view event, std::string data, PublishDone done) = 0;

  // What a subscriber starting at `since` (nullptr: no since) gets now.
  virtual void replay(std::string_view channel, const std::string* since, ReplayDone done) = 0;

  // Every thread's Fanout; attach all of them before the first publish.
  virtual void attach(core::Fanout* fanout) = 0;

  // Periodic upkeep: drops expired messages and channels with nothing kept.
  virtual void sweep() = 0;

  virtual size_t channel_count() = 0;
  // Bytes of messages kept in this process for history (0 when they live elsewhere).
  virtual size_t history_bytes() { return 0; }

  // Whether publishes can be acknowledged now, on every thread (a networked
  // broker may be cut off).
  virtual bool available() { return true; }

  // The server is stopping: called on each thread that uses this broker.
  virtual void shut_down() {}
};

}  // namespace pushwire::broker
