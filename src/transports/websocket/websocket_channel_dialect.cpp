#include "transports/websocket/websocket_channel_dialect.h"

#include "transports/websocket/ws_frames.h"
#include "ws/close_codes.h"

namespace pushwire::transports {

ChannelDialect::ChannelDialect(WebSocketConnection& connection, auth::Credentials credentials,
                               const std::string& channel, const std::string* since)
    : JsonDialect(connection, std::move(credentials)) {
  // Allowed at the handshake: asked again only to know whether the token's expiry ends it.
  if (access_ && !access_->may_subscribe(channel, {}, expiring_)) {
    connection_.close_with(ws::kClosePolicyViolation, "not allowed to subscribe");
    return;
  }
  listen(channel, since, [this](core::Replay replay) {
    if (replay.gap) connection_.send_frame(ws_gap_frame(this->channel()));
    for (const core::MessagePtr& message : replay.messages) on_message(message);
  });
}

void ChannelDialect::on_text(std::string_view message) {
  if (listening()) publish(channel(), {}, std::string(message), {});
}

void ChannelDialect::on_binary(std::string_view) {
  connection_.send_frame(ws_error_frame({}, "bad_op", "messages are text frames, not binary"));
}

Context& ChannelDialect::listener_context() const { return connection_.context(); }

void ChannelDialect::on_message(const core::MessagePtr& message) { connection_.send_message(message); }

void ChannelDialect::prefetch() const { connection_.prefetch_for_send(); }

void ChannelDialect::on_token_expired() {
  if (!expiring_ || !listening()) return;  // a public channel outlives the token
  connection_.send_frame(ws_expired_frame(channel()));
  connection_.close_with(ws::kClosePolicyViolation, "token expired");
}

}  // namespace pushwire::transports
