#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/session.h"
#include "http/exchange.h"
#include "net/timer.h"
#include "transports/session_channels.h"
#include "transports/context.h"
#include "transports/stream/stream_style.h"
#include "transports/stream/stream_writer.h"

namespace pushwire::transports {

// A held-open response that streams several channels in one StreamStyle, as
// one session whose channels ops add and remove. It writes messages in
// publish order (SessionChannels merges them), each with its own id, so
// that the id last seen is a cursor for every channel of the stream
// (docs/protocol.md, "The stream cursor"); after each replay, a cursor mark
// names the place reached.
class SessionStream final : public http::ExchangeState, public core::Session, private SessionChannels::Sink {
 public:
  // `since` is a stream cursor for every channel; `prefix` as for StreamWriter.
  // `expires_at_ms` (wall clock; 0: never): when the permission for these
  // channels ends; the stream then says _expired for each channel and ends.
  static void start(Context& context, http::Exchange& exchange, const std::vector<std::string>& channels,
                    const std::string* since, const StreamStyle& style, int64_t expires_at_ms, std::string prefix);
  ~SessionStream() override;

  core::SessionOpResult apply(const core::SessionOp& op) override;

  void on_tick(int64_t now_ms) override { writer_.on_tick(now_ms); }
  void on_shutdown() override { writer_.exchange().end(); }

 private:
  SessionStream(Context& context, http::Exchange& exchange, const StreamStyle& style, std::string prefix);
  void on_gap(const std::string& channel) override;
  void on_message(const core::MessagePtr& message) override;
  void on_settled(bool handed) override;
  // The stream ends at the earliest end of its channels' permissions.
  void expire_at(int64_t expires_at_ms);
  void expire();

  StreamWriter writer_;  // also the stream's context and exchange
  std::unique_ptr<net::Timer> expiry_;  // only when a permission expires
  int64_t expires_at_ms_ = 0;
  SessionChannels channels_;
  // The place the last id written names (a message's, or a cursor mark's).
  bool cursor_named_ = false;
  uint64_t cursor_seq_ = 0;
};

}  // namespace pushwire::transports
