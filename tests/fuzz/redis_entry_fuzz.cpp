// Feeds arbitrary bytes to the decoders of what pushwire keeps in and hears
// from Redis: they must accept or refuse, never crash, and what they accept
// must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "broker/redis_entry.h"

namespace {
bool inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const auto& entry : {pushwire::broker::decode_history_entry(bytes), pushwire::broker::decode_announcement(bytes)}) {
    if (!entry) continue;
    if (entry->seq == 0 || entry->event.empty()) __builtin_trap();
    if (!inside(entry->event, bytes) || !inside(entry->data, bytes) || !inside(entry->channel, bytes)) __builtin_trap();
  }
  return 0;
}
