// Feeds arbitrary text to the session op reader (POST /session/{id} bodies):
// it must answer with ops or a refusal, never crash, and what it accepts must
// be self-consistent: a valid channel, no since on unsubscribe, a short ref.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/names.h"
#include "transports/session_op.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pushwire::core::SessionOp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = pushwire::transports::parse_session_ops(text, 8);
  auto* ops = std::get_if<std::vector<pushwire::transports::ParsedOp>>(&result);
  if (!ops) return 0;
  if (ops->empty() || ops->size() > 8) __builtin_trap();
  for (const auto& parsed : *ops) {
    auto* op = std::get_if<SessionOp>(&parsed);
    if (!op) continue;
    if (!pushwire::core::is_valid_channel(op->channel)) __builtin_trap();
    if (op->kind == SessionOp::Kind::unsubscribe && op->since) __builtin_trap();
    if (op->ref.size() > 80) __builtin_trap();
  }
  return 0;
}
