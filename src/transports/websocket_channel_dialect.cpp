#include "transports/websocket_channel_dialect.h"

#include "transports/ws_frames.h"

namespace pushwire::transports {

ChannelDialect::ChannelDialect(WebSocketConnection& connection, bool authorized, const std::string& channel,
                               const std::string* since)
    : JsonDialect(connection, authorized) {
  subscribe(channel, since, {}, false);
}

void ChannelDialect::on_text(std::string_view message) { publish(channels_.front(), {}, std::string(message), {}); }

void ChannelDialect::on_binary(std::string_view) {
  connection_.send_frame(ws_error_frame({}, "bad_op", "messages are text frames, not binary"));
}

}  // namespace pushwire::transports
