#include "transports/stream_subscription.h"

namespace pushwire::transports {

StreamSubscription::StreamSubscription(Context& context, http::Exchange& exchange, const StreamStyle& style,
                                       std::string prefix)
    : exchange_(exchange), writer_(context, exchange, style, std::move(prefix)) {}

void StreamSubscription::start(Context& context, http::Exchange& exchange, const std::string& channel,
                               const std::string* since, const StreamStyle& style, std::string prefix) {
  auto owned = std::unique_ptr<StreamSubscription>(
      new StreamSubscription(context, exchange, style, std::move(prefix)));
  StreamSubscription* self = owned.get();
  exchange.hold(std::move(owned));
  self->writer_.open();
  self->listen(context, channel, since, [self](core::Replay replay) {
    self->writer_.set_label(self->channel());
    if (replay.gap) self->writer_.control("_gap", channel_fields(self->channel()));
    for (const core::MessagePtr& message : replay.messages) self->writer_.message(message);
  });
}

void StreamSubscription::on_shutdown() { exchange_.end(); }

}  // namespace pushwire::transports
