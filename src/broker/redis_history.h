#pragma once
#include <hiredis/hiredis.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/redis_entry.h"
#include "core/history.h"
#include "core/message.h"
#include "core/message_id.h"

namespace pushwire::broker {

// What an error reply says, or why there is no answer pushwire can use.
std::string redis_error_of(const redisReply* reply);

// Where the shared sequence stands (redis_scripts::kState), checked.
struct RedisState {
  std::string_view epoch;
  uint64_t seq = 0;
};

std::optional<RedisState> read_state(const redisReply* reply);

// One channel's history as Redis answered it (redis_scripts::kHistory),
// checked: the sequence when it was read, the highest seq the channel
// dropped, the highest it may have had, and its entries, oldest first.
// Views into the reply.
struct RedisChannelHistory {
  std::string_view epoch;  // empty: Redis has no id space (it was emptied)
  uint64_t seq = 0;
  uint64_t evicted = 0;
  // The channel's newest seq; `seq` when Redis had no record of the channel
  // (new, or forgotten: all of it up to now may be gone).
  uint64_t last = 0;
  bool known = false;  // Redis had a record of the channel's last seq
  std::vector<RedisEntry> entries;
};

std::optional<RedisChannelHistory> read_channel_history(const redisReply* reply);

core::MessagePtr make_message(std::string_view channel, const RedisEntry& entry, const core::IdScheme& ids);

// What one channel's subscriber starting at `cursor` gets, on a thread whose
// Fanout has been handed every message up to `heard_through`: what Redis
// kept up to there, then `heard_later` (this channel's messages the thread
// heard after Redis read its history, oldest first). Messages past
// `heard_through` are left out: they are still to come live.
struct ReplaySource {
  std::string_view channel;
  const RedisChannelHistory& fetched;
  const std::vector<core::MessagePtr>& heard_later;
  uint64_t heard_through;
  const core::IdScheme& ids;
  core::HistoryLimits limits;
};
core::Replay replay_from(const ReplaySource& source, const core::Cursor& cursor, int64_t wall_now_ms,
                         int64_t steady_now_ms);

}  // namespace pushwire::broker
