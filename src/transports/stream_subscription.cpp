#include "transports/stream_subscription.h"

#include "util/log.h"

namespace pushwire::transports {

StreamSubscription::StreamSubscription(Context& context, http::Exchange& exchange, std::string channel,
                                       const StreamStyle& style, std::string prefix)
    : context_(context),
      exchange_(exchange),
      channel_(std::move(channel)),
      style_(style),
      prefix_(prefix.empty() ? nullptr : std::make_shared<const std::string>(std::move(prefix))),
      chunked_(!style.always_until_close && exchange.request().http_minor >= 1),
      last_send_ms_(context.loop.now_ms()) {}

StreamSubscription::~StreamSubscription() {
  if (subscribed_) {
    context_.fanout.remove(channel_, this);
    util::Metrics::add(context_.metrics.subscribers_open, -1);
  }
}

void StreamSubscription::start(Context& context, http::Exchange& exchange, const std::string& channel,
                               const std::string* since, const StreamStyle& style, std::string prefix) {
  auto owned = std::unique_ptr<StreamSubscription>(
      new StreamSubscription(context, exchange, channel, style, std::move(prefix)));
  StreamSubscription* self = owned.get();
  exchange.hold(std::move(owned));
  exchange.start_stream(200, style.content_type, style.headers,
                        self->chunked_ ? http::BodyFraming::chunked : http::BodyFraming::until_close);
  if (!style.opening.empty()) self->send_framed(style.opening);

  context.fanout.add(channel, self);
  self->subscribed_ = true;
  util::Metrics::add(context.metrics.subscribers_open, 1);
  context.broker.replay(channel, since, [self](core::Replay replay) {
    self->set_delivered_through(replay.resume_after);
    if (replay.gap) {
      util::Metrics::add(self->context_.metrics.gaps_total);
      self->send_prefix();
      self->send_framed(self->style_.gap(self->channel_));
    }
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

void StreamSubscription::after_send() {
  last_send_ms_ = context_.loop.now_ms();
  net::Connection& connection = exchange_.connection();
  if (connection.pending_bytes() <= context_.settings.max_pending_bytes) return;
  PW_LOG(warn, connection.peer(), " ", style_.name, " subscriber of ", channel_, " cut off: ",
         connection.pending_bytes(), " bytes unsent (limit ", context_.settings.max_pending_bytes, ")");
  util::Metrics::add(context_.metrics.slow_subscribers_disconnected_total);
  exchange_.abort();
}

void StreamSubscription::on_tick(int64_t now_ms) {
  if (exchange_.finished() || now_ms - last_send_ms_ < context_.settings.heartbeat_ms) return;
  // Heartbeats are constants of the style: shared, not copied.
  exchange_.send(net::OutChunk::literal(chunked_ ? std::string_view(style_.heartbeat_chunk) : style_.heartbeat));
  after_send();
}

void StreamSubscription::on_shutdown() { exchange_.end(); }

}  // namespace pushwire::transports
