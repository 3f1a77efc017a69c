// Feeds arbitrary bytes through hiredis's reply reader to the readers of
// what pushwire's scripts answer: they must accept or refuse, never crash,
// and what they accept must be whole.
#include <hiredis/hiredis.h>

#include <cstddef>
#include <cstdint>

#include "broker/redis_history.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
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
    freeReplyObject(reply);
    reply = nullptr;
  }
  redisReaderFree(reader);
  return 0;
}
