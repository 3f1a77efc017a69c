#include "transports/websocket/websocket_connection.h"

#include <algorithm>

#include "net/event_loop.h"
#include "transports/channel_listener.h"
#include "util/log.h"
#include "ws/close_codes.h"
#include "ws/frame_writer.h"

namespace pushwire::transports {

namespace {
// A frame may carry a publish a little over --max-message-bytes (a dialect's
// wrapping around the data); past this margin it is a protocol-level 1009.
constexpr size_t kMessageOverhead = 4096;
constexpr int kMissedHeartbeats = 3;
}  // namespace

WebSocketConnection::WebSocketConnection(Context& context, net::ByteStream& connection,
                                         std::optional<ws::DeflateParams> deflate, WebSocketMessageFormats formats)
    : context_(context),
      connection_(connection),
      message_format_(deflate ? formats.deflate : formats.plain),
      last_received_s_(static_cast<uint32_t>(connection.loop().now_ms() / 1000)),
      last_ping_s_(last_received_s_),
      parser_(*this, context.settings.max_message_bytes + kMessageOverhead, deflate) {
  // Spread the heartbeats of connections opened together over the second half
  // of the interval, so that thousands of pings do not leave in one second.
  const auto half_interval_s = static_cast<uint32_t>(std::max<int64_t>(1, context.settings.heartbeat_ms / 2000));
  last_ping_s_ -= static_cast<uint32_t>((reinterpret_cast<uintptr_t>(this) >> 6) % half_interval_s);
}

// The dialect goes first: its subscriptions and pending answers point here.
WebSocketConnection::~WebSocketConnection() { dialect_.reset(); }

void WebSocketConnection::on_read(std::string_view bytes) {
  last_received_s_ = static_cast<uint32_t>(connection_.loop().now_ms() / 1000);
  parser_.feed(bytes);
}

void WebSocketConnection::on_text(std::string_view message) {
  if (!closing_) dialect_->on_text(message);
}

void WebSocketConnection::on_binary(std::string_view message) {
  if (!closing_) dialect_->on_binary(message);
}

void WebSocketConnection::on_ping(std::string_view payload) {
  if (!closing_) send_frame(ws::encode_frame(ws::Opcode::pong, payload));
}

void WebSocketConnection::on_pong(std::string_view) {}

void WebSocketConnection::on_close(std::uint16_t code, std::string_view reason) {
  if (closing_) {
    connection_.close();
    return;
  }
  closing_ = true;
  connection_.write(code == ws::kCloseNoStatus ? ws::encode_frame(ws::Opcode::close, {}) : ws::encode_close(code, reason));
  connection_.close();
}

void WebSocketConnection::on_protocol_error(std::uint16_t code, std::string_view reason) {
  PW_LOG_LIMITED("websocket closes", info, connection_.peer(), " websocket closed with ", code, ": ", reason);
  close_with(code, reason);
}

void WebSocketConnection::send_frame(std::string frame) {
  if (closing_) return;
  connection_.write(std::move(frame));
  after_send();
}

void WebSocketConnection::send_message(const core::MessagePtr& message) {
  if (closing_) return;
  connection_.write(net::OutChunk::view(message, message->encoded(*message_format_)));
  after_send();
}

void WebSocketConnection::after_send() {
  if (!over_pending_limit(context_, connection_, "websocket", {})) return;
  closing_ = true;
  connection_.abort();
}

void WebSocketConnection::close_with(std::uint16_t code, std::string_view reason) {
  if (closing_) return;
  send_frame(ws::encode_close(code, reason));
  closing_ = true;
  connection_.close();
}

void WebSocketConnection::on_tick(int64_t now_ms) {
  if (closing_) return;
  const int64_t now_s = now_ms / 1000;
  const int64_t interval_s = std::max<int64_t>(1, context_.settings.heartbeat_ms / 1000);
  if (now_s - last_received_s_ > kMissedHeartbeats * interval_s) {
    PW_LOG_LIMITED("websocket closes", info, connection_.peer(), " websocket silent for ", now_s - last_received_s_, " s, closing");
    close_with(ws::kCloseGoingAway, "no frames received");
    return;
  }
  if (now_s - last_ping_s_ >= interval_s) {
    last_ping_s_ = static_cast<uint32_t>(now_s);
    send_frame(ws::encode_frame(ws::Opcode::ping, {}));
  }
}

void WebSocketConnection::on_shutdown() { close_with(ws::kCloseGoingAway, "server stopping"); }

}  // namespace pushwire::transports
