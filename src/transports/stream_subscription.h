#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "transports/channel_listener.h"
#include "http/exchange.h"
#include "net/timer.h"
#include "transports/context.h"
#include "transports/stream_style.h"

namespace pushwire::transports {

// A held-open response that streams a channel in one StreamStyle: headers
// and opening at once, then a gap signal if the resume fell short, the kept
// messages after the cursor, and every new message, with heartbeats between.
// A client that does not read fast enough is cut off once its unsent bytes
// pass --max-pending-bytes; it resumes from history when it comes back. When
// the token it subscribed with expires, it gets an _expired signal and ends.
class StreamSubscription final : public http::ExchangeState, public ChannelListener {
 public:
  // `prefix` goes before every message and signal (the iframe's "<script>parent.FN(").
  // `expires_at_ms`: wall-clock end of the subscriber's permission; 0 = none.
  static void start(Context& context, http::Exchange& exchange, const std::string& channel, const std::string* since,
                    const StreamStyle& style, int64_t expires_at_ms, std::string prefix = {});

  void on_tick(int64_t now_ms) override;
  void on_shutdown() override;

 private:
  StreamSubscription(Context& context, http::Exchange& exchange, const StreamStyle& style, std::string prefix);
  void on_message(const core::MessagePtr& message) override;
  void send_framed(std::string bytes);
  void send_control(std::string_view event);
  void expire();
  void send_prefix();
  void after_send();

  Context& context_;
  http::Exchange& exchange_;
  const StreamStyle& style_;
  std::shared_ptr<const std::string> prefix_;  // null when the style has none
  bool chunked_;
  int64_t last_send_ms_;
  net::Timer expiry_;
};

}  // namespace pushwire::transports
