#pragma once
#include <string>

#include "transports/channel_listener.h"
#include "http/exchange.h"
#include "transports/context.h"
#include "transports/stream_style.h"
#include "transports/stream_writer.h"

namespace pushwire::transports {

// A held-open response that streams one channel in one StreamStyle: headers
// and opening at once, then a gap signal if the resume fell short, the kept
// messages after the cursor, and every new message, with heartbeats between.
class StreamSubscription final : public http::ExchangeState, public ChannelListener {
 public:
  // `prefix` goes before every message and gap (the iframe's "<script>parent.FN(").
  static void start(Context& context, http::Exchange& exchange, const std::string& channel, const std::string* since,
                    const StreamStyle& style, std::string prefix = {});

  void on_tick(int64_t now_ms) override { writer_.on_tick(now_ms); }
  void on_shutdown() override;

 private:
  StreamSubscription(Context& context, http::Exchange& exchange, const StreamStyle& style, std::string prefix);
  void on_message(const core::MessagePtr& message) override { writer_.message(message); }

  http::Exchange& exchange_;
  StreamWriter writer_;
};

}  // namespace pushwire::transports
