#include "transports/websocket_ops_dialect.h"

#include "core/names.h"
#include "transports/ws_frames.h"

namespace pushwire::transports {

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
      subscribe(op.channel, op.has_since ? &op.since : nullptr, op.ref, true);
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

void OpsDialect::unsubscribe(const std::string& channel, const std::string& ref) {
  if (!core::is_valid_channel(channel)) {
    connection_.send_frame(ws_error_frame(ref, "bad_channel", core::kChannelRule));
    return;
  }
  channels_.remove(channel);
  connection_.send_frame(ws_ok_frame(ref));
}

}  // namespace pushwire::transports
