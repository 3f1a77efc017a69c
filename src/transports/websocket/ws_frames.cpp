#include "transports/websocket/ws_frames.h"

#include "transports/envelope.h"
#include "util/json_escape.h"
#include "ws/deflate.h"
#include "ws/frame_writer.h"

namespace pushwire::transports {

namespace {
std::string text_frame(std::string_view payload, bool compressed) {
  const ws::FrameHeader header = ws::frame_header(ws::Opcode::text, payload.size(), compressed);
  std::string out;
  out.reserve(header.size + payload.size());
  out += header.view();
  out += payload;
  return out;
}

std::string plain_message_frame(const core::Message& message) { return text_frame(ws_message_op(message), false); }

std::string deflate_message_frame(const core::Message& message) {
  thread_local ws::Deflater deflater;
  return text_frame(deflater.compress(ws_message_op(message)), true);
}

std::string op_frame(std::string_view op, std::string_view ref, std::string_view extra) {
  std::string payload = "{\"op\":\"";
  payload += op;
  payload += '"';
  if (!ref.empty()) {
    payload += ",\"ref\":";
    payload += ref;
  }
  payload += extra;
  payload += '}';
  return text_frame(payload, false);
}
}  // namespace

const core::WireFormat kWsMessageFrame(plain_message_frame);
const core::WireFormat kWsMessageDeflateFrame(deflate_message_frame);

std::string ws_message_op(const core::Message& message) {
  const std::string& envelope = message.encoded(kEnvelope);
  return "{\"op\":\"message\"," + envelope.substr(1);
}

std::string ws_ok_frame(std::string_view ref, std::string_view extra) { return op_frame("ok", ref, extra); }

std::string ws_error_frame(std::string_view ref, std::string_view code, std::string_view message) {
  std::string extra = ",\"code\":";
  util::append_json_string(extra, code);
  extra += ",\"message\":";
  util::append_json_string(extra, message);
  return op_frame("error", ref, extra);
}

std::string ws_pong_frame(std::string_view ref) { return op_frame("pong", ref, {}); }

namespace {
std::string channel_op_frame(std::string_view op, std::string_view channel) {
  std::string extra = ",\"channel\":";
  util::append_json_string(extra, channel);
  return op_frame(op, {}, extra);
}
}  // namespace

std::string ws_gap_frame(std::string_view channel) { return channel_op_frame("gap", channel); }
std::string ws_expired_frame(std::string_view channel) { return channel_op_frame("expired", channel); }

}  // namespace pushwire::transports
