#pragma once
#include <string>
#include <string_view>

#include "core/message.h"

namespace pushwire::transports {

// {"op":"message",...envelope} as a text frame, plain and compressed
// (permessage-deflate with no context takeover, so one compressed frame is
// valid for every connection that negotiated it).
extern const core::WireFormat kWsMessageFrame;
extern const core::WireFormat kWsMessageDeflateFrame;
std::string ws_message_op(const core::Message& message);

// Server ops, each a complete text frame. `ref` is the client's ref as JSON
// (empty: none); `extra` is more members, starting with ',' (or empty).
std::string ws_ok_frame(std::string_view ref, std::string_view extra = {});
std::string ws_error_frame(std::string_view ref, std::string_view code, std::string_view message);
std::string ws_pong_frame(std::string_view ref);
std::string ws_gap_frame(std::string_view channel);
std::string ws_expired_frame(std::string_view channel);  // the token behind the subscription ran out

}  // namespace pushwire::transports
