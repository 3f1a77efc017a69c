#include "transports/stream/stream_subscription.h"

#include <algorithm>

#include "util/clock.h"

namespace pushwire::transports {

StreamSubscription::StreamSubscription(Context& context, http::Exchange& exchange, const StreamStyle& style,
                                       std::string prefix)
    : writer_(context, exchange, style, std::move(prefix)) {}

void StreamSubscription::start(Context& context, http::Exchange& exchange, const std::string& channel,
                               const std::string* since, const StreamStyle& style, int64_t expires_at_ms,
                               std::string prefix) {
  auto owned = std::unique_ptr<StreamSubscription>(
      new StreamSubscription(context, exchange, style, std::move(prefix)));
  StreamSubscription* self = owned.get();
  exchange.hold(std::move(owned));
  self->writer_.open();
  if (expires_at_ms) {
    self->expiry_ = std::make_unique<net::Timer>(context.loop);
    self->expiry_->start(std::max<int64_t>(expires_at_ms - util::wall_ms(), 0), [self] { self->expire(); });
  }
  self->listen(channel, since, [self](core::Replay replay) {
    self->writer_.set_label(self->channel().c_str());
    if (replay.gap) self->writer_.control("_gap", channel_fields(self->channel()));
    for (const core::MessagePtr& message : replay.messages) self->writer_.message(message);
  });
  exchange.release_request();  // `since` pointed into it; nothing reads it from now on
}

void StreamSubscription::expire() {
  if (writer_.finished()) return;
  writer_.control("_expired", channel_fields(channel()));
  stop();
  writer_.exchange().end();
}

void StreamSubscription::on_shutdown() { writer_.exchange().end(); }

}  // namespace pushwire::transports
