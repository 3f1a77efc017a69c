#include "transports/stream/stream_writer.h"

#include "transports/channel_listener.h"

namespace pushwire::transports {

StreamWriter::StreamWriter(Context& context, http::Exchange& exchange, const StreamStyle& style, std::string prefix)
    : context_(context),
      exchange_(exchange),
      style_(style),
      prefix_(prefix.empty() ? nullptr
                             : std::make_unique<const net::OutChunk>(net::OutChunk::take(std::move(prefix)))),
      last_send_ms_(static_cast<uint32_t>(context.loop.now_ms())),
      chunked_(!style.always_until_close && exchange.request().http_minor >= 1) {}

void StreamWriter::open() {
  exchange_.start_stream(200, style_.content_type, style_.headers,
                         chunked_ ? http::BodyFraming::chunked : http::BodyFraming::until_close);
  if (!style_.opening.empty()) send_framed(style_.opening);
}

void StreamWriter::message(const core::MessagePtr& message) {
  if (exchange_.finished()) return;
  send_prefix();
  const std::string& bytes = message->encoded(chunked_ ? *style_.chunked : *style_.bare);
  exchange_.send(net::OutChunk::view(message, bytes));
  after_send();
}

void StreamWriter::control(std::string_view event, std::string_view fields) {
  if (exchange_.finished()) return;
  send_prefix();
  send_framed(style_.control(event, fields));
  after_send();
}

void StreamWriter::cursor(std::string_view id) {
  if (exchange_.finished()) return;
  send_prefix();
  send_framed(style_.cursor(id));
  after_send();
}

void StreamWriter::send_prefix() {
  if (prefix_) exchange_.send(*prefix_);
}

void StreamWriter::send_framed(std::string bytes) {
  exchange_.send(net::OutChunk::take(chunked_ ? http::chunk(bytes) : std::move(bytes)));
}

void StreamWriter::after_send() {
  last_send_ms_ = static_cast<uint32_t>(context_.loop.now_ms());
  if (over_pending_limit(context_, exchange_, style_.name, label_ ? std::string_view(label_) : std::string_view()))
    exchange_.abort();
}

void StreamWriter::on_tick(int64_t now_ms) {
  // Due when the next tick would come later than the heartbeat's time.
  const int64_t quiet_ms = static_cast<uint32_t>(static_cast<uint32_t>(now_ms) - last_send_ms_);
  if (exchange_.finished() || quiet_ms + context_.settings.tick_ms / 2 < context_.settings.heartbeat_ms) return;
  // Heartbeats are constants of the style: shared, not copied.
  exchange_.send(net::OutChunk::literal(chunked_ ? std::string_view(style_.heartbeat_chunk) : style_.heartbeat));
  after_send();
}

}  // namespace pushwire::transports
