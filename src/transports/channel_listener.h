#pragma once
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/subscriber.h"
#include "http/exchange.h"
#include "net/connection.h"
#include "transports/context.h"
#include "util/back_reference.h"

namespace pushwire::transports {

// A subscriber of one channel on this thread's Fanout, for as long as it
// lives or until stop(). Every technique subscribes through listen(), which
// registers before asking the broker for the replay, so that nothing
// published in between is missed; what the replay covers is then skipped as
// a duplicate when it also comes live.
class ChannelListener : public core::Subscriber {
 public:
  ChannelListener() = default;
  ChannelListener(const ChannelListener&) = delete;
  ChannelListener& operator=(const ChannelListener&) = delete;
  // A derived class calls stop() in its own destructor: listener_context() is
  // its to give. One that forgets would leave the Fanout a dangling pointer,
  // so that ends the process here, where the mistake is, not later.
  ~ChannelListener() override {
    if (channel_) std::abort();
  }

  bool listening() const { return channel_ != nullptr; }
  const std::string& channel() const { return *channel_; }  // while listening

 protected:
  // The thread's context, which every subscriber holds anyway: a listener
  // asks for it instead of keeping a copy, as thousands of them are idle.
  virtual Context& listener_context() const = 0;

  // `on_replay(core::Replay)` gets the kept messages after `since` (nullptr:
  // none, new messages only) and whether a gap is to be reported. `scope`
  // says whether `since` is this channel's cursor or a stream's.
  template <typename OnReplay>
  void listen(std::string_view channel, const std::string* since, OnReplay on_replay,
              core::CursorScope scope = core::CursorScope::channel) {
    Context& context = listener_context();
    channel_ = &context.fanout.add(channel, this);
    util::Metrics::add(context.metrics.subscribers_open, 1);
    // A networked broker may answer later: by then this listener may be gone,
    // and live messages that come meanwhile are left to the replay, which
    // covers everything its broker had heard when it answers.
    set_delivered_through(UINT64_MAX);
    pending_replay_ = new util::BackReference<ChannelListener>(this);
    context.broker.replay(*channel_, since, [back = pending_replay_->hold(), on_replay = std::move(on_replay)](core::Replay replay) {
      ChannelListener* self = back->redeem();
      if (!self) return;
      self->forget_pending_replay();
      self->answer_replay(std::move(replay), on_replay);
    }, scope);
  }

  void stop() {
    forget_pending_replay();  // an answer still due finds nobody
    if (!channel_) return;
    Context& context = listener_context();
    context.fanout.remove(*channel_, this);
    util::Metrics::add(context.metrics.subscribers_open, -1);
    channel_ = nullptr;
  }

  // Between listen() and the broker's answer.
  bool replay_due() const { return pending_replay_ != nullptr; }

 private:
  void forget_pending_replay() {
    if (!pending_replay_) return;
    pending_replay_->release();
    pending_replay_ = nullptr;
  }

  template <typename OnReplay>
  void answer_replay(core::Replay replay, OnReplay& on_replay) {
    set_delivered_through(replay.resume_after);
    if (replay.gap) util::Metrics::add(listener_context().metrics.gaps_total);
    on_replay(std::move(replay));
  }

  const std::string* channel_ = nullptr;  // the Fanout's copy, while listening
  util::BackReference<ChannelListener>* pending_replay_ = nullptr;  // while the broker's replay is due
};

// Whether `connection`'s unsent bytes passed --max-pending-bytes; if so it
// logs and counts the cut-off, which the caller then makes. The subscriber
// resumes from history when it comes back, and nobody else waits for it.
// `technique` and `channel` (may be empty) name the subscriber in the log.
bool over_pending_limit(Context& context, net::ByteStream& stream, std::string_view technique,
                        std::string_view channel);
// The same for one response (over HTTP/2, one stream of a shared connection).
bool over_pending_limit(Context& context, http::Exchange& exchange, std::string_view technique,
                        std::string_view channel);

}  // namespace pushwire::transports
