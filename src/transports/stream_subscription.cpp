#include "transports/stream_subscription.h"

#include <algorithm>

#include "util/clock.h"

namespace pushwire::transports {

StreamSubscription::StreamSubscription(Context& context, http::Exchange& exchange, const StreamStyle& style,
                                       std::string prefix)
    : context_(context),
      exchange_(exchange),
      style_(style),
      prefix_(prefix.empty() ? nullptr : std::make_shared<const std::string>(std::move(prefix))),
      chunked_(!style.always_until_close && exchange.request().http_minor >= 1),
      last_send_ms_(context.loop.now_ms()),
      expiry_(context.loop) {}

void StreamSubscription::start(Context& context, http::Exchange& exchange, const std::string& channel,
                               const std::string* since, const StreamStyle& style, int64_t expires_at_ms,
                               std::string prefix) {
  auto owned = std::unique_ptr<StreamSubscription>(
      new StreamSubscription(context, exchange, style, std::move(prefix)));
  StreamSubscription* self = owned.get();
  exchange.hold(std::move(owned));
  exchange.start_stream(200, style.content_type, style.headers,
                        self->chunked_ ? http::BodyFraming::chunked : http::BodyFraming::until_close);
  if (!style.opening.empty()) self->send_framed(style.opening);
  if (expires_at_ms)
    self->expiry_.start(std::max<int64_t>(expires_at_ms - util::wall_ms(), 0), [self] { self->expire(); });

  self->listen(context, channel, since, [self](core::Replay replay) {
    if (replay.gap) self->send_control("_gap");
    for (const core::MessagePtr& message : replay.messages) self->on_message(message);
    self->after_send();
  });
}

void StreamSubscription::on_message(const core::MessagePtr& message) {
  if (exchange_.finished()) return;
  send_prefix();
  const std::string& bytes = message->encoded(chunked_ ? *style_.chunked : *style_.bare);
  exchange_.send(net::OutChunk::view(message, bytes));
  after_send();
}

void StreamSubscription::send_prefix() {
  if (prefix_) exchange_.send(net::OutChunk::view(prefix_, *prefix_));
}

void StreamSubscription::send_framed(std::string bytes) {
  exchange_.send(net::OutChunk::take(chunked_ ? http::chunk(bytes) : std::move(bytes)));
}

void StreamSubscription::send_control(std::string_view event) {
  send_prefix();
  send_framed(style_.control(event, channel()));
}

void StreamSubscription::expire() {
  if (exchange_.finished()) return;
  send_control("_expired");
  stop();
  exchange_.end();
}

void StreamSubscription::after_send() {
  last_send_ms_ = context_.loop.now_ms();
  if (over_pending_limit(context_, exchange_, style_.name, channel())) exchange_.abort();
}

void StreamSubscription::on_tick(int64_t now_ms) {
  if (exchange_.finished() || now_ms - last_send_ms_ < context_.settings.heartbeat_ms) return;
  // Heartbeats are constants of the style: shared, not copied.
  exchange_.send(net::OutChunk::literal(chunked_ ? std::string_view(style_.heartbeat_chunk) : style_.heartbeat));
  after_send();
}

void StreamSubscription::on_shutdown() { exchange_.end(); }

}  // namespace pushwire::transports
