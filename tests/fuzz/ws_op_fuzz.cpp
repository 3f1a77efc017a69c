// Feeds arbitrary text to the /ws op reader: it must answer with an op or an
// error, never crash, and an op it accepts must be self-consistent.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "transports/websocket/ws_op.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = pushwire::transports::parse_ws_op(text);
  if (auto* op = std::get_if<pushwire::transports::WsOp>(&result)) {
    using Kind = pushwire::transports::WsOp::Kind;
    if (op->kind != Kind::subscribe && op->has_since) __builtin_trap();
  }
  return 0;
}
