#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/session.h"
#include "transports/channel_listener.h"
#include "transports/context.h"
#include "util/slab_pool.h"

namespace pushwire::transports {

// The channels of one session on its owner thread, merged into one sequence
// in publish order for whatever carries the session to its client.
//
// A channel's replay may come later than its live messages (a networked
// broker answers later), and holds messages older than some already live on
// other channels. So while any replay is due, everything is held; when the
// last one is in, the thread's Fanout is drained (every message published
// so far has then either come live or is in a replay), and what is held goes
// to the sink in publish order, its gap signals first.
class SessionChannels {
 public:
  class Sink {
   public:
    // Where an added channel stands (its newest id, or its place), before its gap and messages.
    virtual void on_position(const std::string& channel, const std::string& position) {}
    virtual void on_gap(const std::string& channel) = 0;
    virtual void on_message(const core::MessagePtr& message) = 0;
    // Every replay is in and was handed on; `handed` says whether anything
    // was (a gap or a message) since the last time.
    virtual void on_settled(bool handed) = 0;

   protected:
    ~Sink() = default;
  };

  SessionChannels(Context& context, Sink& sink) : context_(context), sink_(sink) {}
  SessionChannels(const SessionChannels&) = delete;
  SessionChannels& operator=(const SessionChannels&) = delete;
  ~SessionChannels() { clear(); }

  // Subscriptions made between hold() and release() settle together.
  void hold() { ++replays_due_; }
  void release() { replay_done(); }
  // `since` is the channel's own cursor, or (scope stream) a place in the publish order.
  void subscribe(const std::string& channel, const std::string* since, core::CursorScope scope);
  void unsubscribe(const std::string& channel);
  void clear();

  // Why `op` cannot be done on these channels (already_subscribed,
  // not_subscribed, too_many_channels), or nothing when it can.
  std::optional<core::SessionOpResult> refusal(const core::SessionOp& op);

  bool contains(std::string_view channel) const { return find(channel) != nullptr; }
  bool settled() const { return replays_due_ == 0; }
  template <typename F>
  void for_each(F each) const {
    for (const Channel* c = first_; c; c = c->next) each(c->channel());
  }

 private:
  // One channel: a listener that hands its messages to the session, and the
  // link to the next channel in the order they were added. The session
  // supplies what all its channels share (the context), so a channel costs
  // its listener and two pointers (the name is the Fanout's copy).
  class Channel final : public ChannelListener, public util::SlabAllocated<Channel> {
   public:
    explicit Channel(SessionChannels& owner) : owner_(owner) {}
    ~Channel() override { stop(); }
    using ChannelListener::listen;
    using ChannelListener::replay_due;
    Channel* next = nullptr;

   private:
    Context& listener_context() const override { return owner_.context_; }
    void on_message(const core::MessagePtr& message) override { owner_.on_live(message); }
    SessionChannels& owner_;
  };

  Channel* find(std::string_view channel) const;
  void on_live(const core::MessagePtr& message);
  void replay_done();
  bool hand_held();  // whether anything was handed on

  Context& context_;
  Sink& sink_;
  // A list, not a map: a session holds a few channels, found by a walk.
  Channel* first_ = nullptr;
  uint32_t count_ = 0;
  uint32_t replays_due_ = 0;
  uint32_t removals_ = 0;  // channels removed so far (unsubscribe, clear)
  // What waits for the replays, made when the first thing is held and freed
  // once it is handed on: an idle session keeps none of it.
  struct Held {
    std::vector<std::pair<std::string, std::string>> positions;  // channel, position
    std::vector<std::string> gaps;
    std::vector<core::MessagePtr> messages;
  };
  Held& held();
  // What is held for a channel that goes, goes with it.
  void forget_held(std::string_view channel);
  std::unique_ptr<Held> held_;
};

}  // namespace pushwire::transports
