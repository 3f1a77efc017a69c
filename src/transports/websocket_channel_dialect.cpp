#include "transports/websocket_channel_dialect.h"

#include "transports/ws_frames.h"
#include "ws/close_codes.h"

namespace pushwire::transports {

ChannelDialect::ChannelDialect(WebSocketConnection& connection, auth::Credentials credentials,
                               const std::string& channel, const std::string* since)
    : JsonDialect(connection, std::move(credentials)) {
  subscribe(channel, since, {}, false);
}

void ChannelDialect::on_text(std::string_view message) { publish(channels_.front(), {}, std::string(message), {}); }

void ChannelDialect::on_binary(std::string_view) {
  connection_.send_frame(ws_error_frame({}, "bad_op", "messages are text frames, not binary"));
}

void ChannelDialect::on_token_expired() {
  if (channels_.expiring().empty()) return;  // a public channel outlives the token
  connection_.send_frame(ws_expired_frame(channels_.front()));
  connection_.close_with(ws::kClosePolicyViolation, "token expired");
}

}  // namespace pushwire::transports
