#pragma once
#include <memory>
#include <string>

#include "transports/channel_listener.h"
#include "http/exchange.h"
#include "net/timer.h"
#include "transports/context.h"
#include "transports/stream/stream_style.h"
#include "transports/stream/stream_writer.h"
#include "util/slab_pool.h"

namespace pushwire::transports {

// A held-open response that streams one channel in one StreamStyle: headers
// and opening at once, then a gap signal if the resume fell short, the kept
// messages after the cursor, and every new message, with heartbeats between.
// When the token it subscribed with expires, it gets an _expired signal and ends.
class StreamSubscription final : public http::ExchangeState,
                                 public ChannelListener,
                                 public util::SlabAllocated<StreamSubscription> {
 public:
  // `prefix` goes before every message and gap (the iframe's "<script>parent.FN(").
  // `expires_at_ms` (wall clock; 0: never): when the subscriber's permission ends.
  static void start(Context& context, http::Exchange& exchange, const std::string& channel, const std::string* since,
                    const StreamStyle& style, int64_t expires_at_ms, std::string prefix = {});

  ~StreamSubscription() override { stop(); }

  void on_tick(int64_t now_ms) override { writer_.on_tick(now_ms); }
  void on_shutdown() override;

 private:
  StreamSubscription(Context& context, http::Exchange& exchange, const StreamStyle& style, std::string prefix);
  Context& listener_context() const override { return writer_.context(); }
  void on_message(const core::MessagePtr& message) override { writer_.message(message); }
  void expire();

  StreamWriter writer_;
  std::unique_ptr<net::Timer> expiry_;  // only when the permission expires: most streams pay a pointer
};

}  // namespace pushwire::transports
