#pragma once
#include <string>
#include <string_view>
#include <variant>

namespace pushwire::transports {

// One client op of the /ws protocol, read from a JSON text frame.
struct WsOp {
  enum class Kind { subscribe, unsubscribe, publish, auth, ping };
  Kind kind;
  std::string ref;      // the client's "ref" as JSON (a number or string), or empty
  std::string channel;  // subscribe, unsubscribe, publish
  std::string since;    // subscribe
  bool has_since = false;
  std::string data;     // publish
  std::string event;    // publish; empty: "message"
  std::string key;      // auth: the publish key, or empty
  std::string token;    // auth: a token (JWT), or empty; at least one of the two
};

// Why a frame is not an op; answered with an error op, the connection stays.
struct WsOpError {
  std::string code;
  std::string message;
  std::string ref;
};

std::variant<WsOp, WsOpError> parse_ws_op(std::string_view text);

}  // namespace pushwire::transports
