#include "core/message.h"

#include <atomic>
#include <cstdlib>

namespace pushwire::core {

namespace {
std::atomic<size_t> g_next_slot{0};
}

WireFormat::WireFormat(Encoder encode) : encode_(encode), slot_(g_next_slot++) {
  if (slot_ >= kMaxFormats) std::abort();  // a programming error: raise kMaxFormats
}

const std::string& Message::encoded(const WireFormat& format) const {
  Slot& slot = cache_[format.slot()];
  std::call_once(slot.once, [&] { slot.bytes = format.encode(*this); });
  return slot.bytes;
}

}  // namespace pushwire::core
