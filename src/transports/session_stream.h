#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/session.h"
#include "http/exchange.h"
#include "net/timer.h"
#include "transports/channel_listener.h"
#include "transports/context.h"
#include "transports/stream_style.h"
#include "transports/stream_writer.h"
#include "util/slab_pool.h"

namespace pushwire::transports {

// A held-open response that streams several channels in one StreamStyle, as
// one session whose channels ops add and remove. It writes messages in
// publish order, each with its own id, so that the id last seen is a cursor
// for every channel of the stream (docs/protocol.md, "The stream cursor").
//
// A channel's replay may come later than its live messages (a networked
// broker answers later), and holds messages older than some already live on
// other channels. So while any replay is due, everything is held; when the
// last one is in, the thread's Fanout is drained (every message published
// so far has then either come live or is in a replay), and what is held is
// written in publish order, followed by a cursor mark with the place reached.
class SessionStream final : public http::ExchangeState, public core::Session {
 public:
  // `since` is a stream cursor for every channel; `prefix` as for StreamWriter.
  // `expires_at_ms` (wall clock; 0: never): when the permission for these
  // channels ends; the stream then says _expired for each channel and ends.
  static void start(Context& context, http::Exchange& exchange, const std::vector<std::string>& channels,
                    const std::string* since, const StreamStyle& style, int64_t expires_at_ms, std::string prefix);
  ~SessionStream() override;

  core::SessionOpResult apply(const core::SessionOp& op) override;

  void on_tick(int64_t now_ms) override { writer_.on_tick(now_ms); }
  void on_shutdown() override { exchange_.end(); }

 private:
  class Channel final : public ChannelListener, public util::SlabAllocated<Channel> {
   public:
    explicit Channel(SessionStream& stream) : stream_(stream) {}
    using ChannelListener::listen;
    bool replay_due = false;

   private:
    void on_message(const core::MessagePtr& message) override { stream_.on_live(message); }
    SessionStream& stream_;
  };

  SessionStream(Context& context, http::Exchange& exchange, const StreamStyle& style, std::string prefix);
  bool has(std::string_view channel) const;
  void subscribe(const std::string& channel, const std::string* since, core::CursorScope scope);
  void unsubscribe(const std::string& channel);
  void on_live(const core::MessagePtr& message);
  void replay_done();
  void write_held();
  void write(const core::MessagePtr& message);
  // The stream ends at the earliest end of its channels' permissions.
  void expire_at(int64_t expires_at_ms);
  void expire();

  Context& context_;
  http::Exchange& exchange_;
  StreamWriter writer_;
  std::unique_ptr<net::Timer> expiry_;  // only when a permission expires
  int64_t expires_at_ms_ = 0;
  // A vector, not a map: a channel then costs what its listener does (the
  // name is the Fanout's copy), and a session holds a few channels.
  std::vector<std::unique_ptr<Channel>> channels_;
  size_t replays_due_ = 0;
  std::vector<std::string> held_gaps_;
  std::vector<core::MessagePtr> held_;
  // The place the last id written names (a message's, or a cursor mark's).
  bool cursor_named_ = false;
  uint64_t cursor_seq_ = 0;
};

}  // namespace pushwire::transports
