#include "transports/websocket/websocket_ops_dialect.h"

#include "core/names.h"
#include "transports/channel_limit.h"
#include "transports/websocket/ws_frames.h"
#include "util/json_escape.h"

namespace pushwire::transports {

OpsDialect::OpsDialect(WebSocketConnection& connection, auth::Credentials credentials)
    : JsonDialect(connection, std::move(credentials)), channels_(connection, ws_gap_frame) {}

void OpsDialect::on_text(std::string_view message) {
  auto parsed = parse_ws_op(message);
  if (auto* error = std::get_if<WsOpError>(&parsed)) {
    connection_.send_frame(ws_error_frame(error->ref, error->code, error->message));
    return;
  }
  handle(std::get<WsOp>(parsed));
}

void OpsDialect::on_binary(std::string_view) {
  connection_.send_frame(ws_error_frame({}, "bad_op", "ops are JSON text frames, not binary"));
}

void OpsDialect::handle(const WsOp& op) {
  switch (op.kind) {
    case WsOp::Kind::subscribe:
      subscribe(op.channel, op.has_since ? &op.since : nullptr, op.ref);
      break;
    case WsOp::Kind::unsubscribe:
      unsubscribe(op.channel, op.ref);
      break;
    case WsOp::Kind::publish:
      publish(op.channel, op.event, op.data, op.ref);
      break;
    case WsOp::Kind::auth:
      authenticate(op.token, op.key, op.ref);
      break;
    case WsOp::Kind::ping:
      connection_.send_frame(ws_pong_frame(op.ref));
      break;
  }
}

void OpsDialect::subscribe(const std::string& channel, const std::string* since, const std::string& ref) {
  if (!core::is_valid_channel(channel)) {
    connection_.send_frame(ws_error_frame(ref, "bad_channel", core::kChannelRule));
    return;
  }
  if (channels_.contains(channel)) {
    connection_.send_frame(
        ws_error_frame(ref, "already_subscribed", "this connection is subscribed to " + channel + " already"));
    return;
  }
  if (over_channel_limit(connection_.context(), channels_.count())) {
    connection_.send_frame(
        ws_error_frame(ref, "too_many_channels", channel_limit_message(connection_.context().settings)));
    return;
  }
  bool expiring = false;
  if (access_ && !access_->may_subscribe(channel, ref, expiring)) return;
  std::string extra = ",\"channel\":";
  util::append_json_string(extra, channel);
  connection_.send_frame(ws_ok_frame(ref, extra));
  channels_.add(channel, since, expiring);
}

void OpsDialect::authenticate(const std::string& token, const std::string& key, const std::string& ref) {
  using AuthResult = WebSocketAccess::AuthResult;
  const AuthResult result = access_ ? access_->authenticate(token, key, ref) : AuthResult::taken;
  if (result == AuthResult::refused) return;
  connection_.send_frame(ws_ok_frame(ref));
  if (result != AuthResult::new_grant) return;
  for (const std::string& channel : channels_.expiring()) {
    if (access_->grants_subscription(channel)) {
      channels_.resume(channel);
    } else {
      channels_.remove(channel);
      connection_.send_frame(ws_expired_frame(channel));
    }
  }
}

void OpsDialect::on_token_expired() {
  for (const std::string& channel : channels_.suspend_expiring()) connection_.send_frame(ws_expired_frame(channel));
}

void OpsDialect::unsubscribe(const std::string& channel, const std::string& ref) {
  if (!core::is_valid_channel(channel)) {
    connection_.send_frame(ws_error_frame(ref, "bad_channel", core::kChannelRule));
    return;
  }
  channels_.remove(channel);
  connection_.send_frame(ws_ok_frame(ref));
}

}  // namespace pushwire::transports
