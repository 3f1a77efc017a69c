// Feeds arbitrary bytes through hiredis's reply reader to the readers of
// what pushwire's scripts answer and of a cluster's slot map: they must
// accept or refuse, never crash, and what they accept must be whole.
#include <hiredis/hiredis.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "broker/redis_history.h"
#include "broker/redis_slot_map.h"

namespace {
// hiredis allocates an array reply's elements up front from the count the
// reply states; the Redis pushwire talks to is trusted not to state billions,
// so inputs that do (seven digits or more) are left out.
bool states_a_huge_array(std::string_view input) {
  for (size_t at = input.find('*'); at != std::string_view::npos; at = input.find('*', at + 1)) {
    size_t digits = 0;
    while (at + 1 + digits < input.size() && input[at + 1 + digits] >= '0' && input[at + 1 + digits] <= '9') ++digits;
    if (digits >= 7) return true;
  }
  return false;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (states_a_huge_array(std::string_view(reinterpret_cast<const char*>(data), size))) return 0;
  redisReader* reader = redisReaderCreate();
  redisReaderFeed(reader, reinterpret_cast<const char*>(data), size);
  void* reply = nullptr;
  while (redisReaderGetReply(reader, &reply) == REDIS_OK && reply) {
    const auto* r = static_cast<redisReply*>(reply);
    if (const auto state = pushwire::broker::read_state(r); state && state->epoch.empty()) __builtin_trap();
    if (const auto history = pushwire::broker::read_channel_history(r)) {
      for (const auto& entry : history->entries)
        if (entry.seq == 0 || entry.event.empty()) __builtin_trap();
    }
    if (const auto map = pushwire::broker::read_slot_map(r, {"answered", 1})) {
      for (const auto& range : map->ranges)
        if (range.first > range.last || range.master.host.empty() || range.master.port == 0) __builtin_trap();
    }
    freeReplyObject(reply);
    reply = nullptr;
  }
  redisReaderFree(reader);
  return 0;
}
