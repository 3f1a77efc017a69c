#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace pushwire::broker {

// How a message is kept in Redis and announced to the other servers. The
// publish script (redis_scripts.cpp) writes both; names cannot hold '|'.
//   history entry:  SEQ|TIME_MS|EVENT|DATA
//   announcement:   EPOCH|CHANNEL|SEQ|TIME_MS|EVENT|DATA
// DATA is last and taken whole, so it may hold anything.
struct RedisEntry {
  std::string_view epoch;    // empty in a history entry
  std::string_view channel;  // empty in a history entry
  uint64_t seq = 0;
  int64_t time_ms = 0;
  std::string_view event;
  std::string_view data;
};

std::optional<RedisEntry> decode_history_entry(std::string_view bytes);
std::optional<RedisEntry> decode_announcement(std::string_view bytes);

}  // namespace pushwire::broker
