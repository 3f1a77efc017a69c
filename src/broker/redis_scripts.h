#pragma once
#include <string_view>

namespace pushwire::broker::redis_scripts {

// Key names come from RedisKeys, passed as KEYS, so that Redis Cluster can
// tell where a script runs. The pub/sub channel is no key: on a Redis
// Cluster, PUBLISH reaches the subscribers of every node.
inline constexpr std::string_view kAnnouncements = "pushwire:messages";  // pub/sub channel (also in the scripts)

// Publishes one message atomically: checks that the id space is still the
// one this server knows, takes the next seq, keeps the entry (bounded by
// count, the keys expiring with the TTL), announces it, and returns the seq.
// KEYS: epoch, seq, history, evicted, last.
// ARGV: epoch, channel, event, data, time_ms, max_messages, ttl_ms, last_ttl_ms.
// An error reply starting with PUSHWIRE_EPOCH means: resynchronise first.
inline constexpr std::string_view kPublish = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('PUSHWIRE_EPOCH the id space changed')
end
local seq = redis.call('INCR', KEYS[2])
local entry = seq .. '|' .. ARGV[5] .. '|' .. ARGV[3] .. '|' .. ARGV[4]
local max = tonumber(ARGV[6])
if max > 0 then
  redis.call('RPUSH', KEYS[3], entry)
  while redis.call('LLEN', KEYS[3]) > max do
    local dropped = redis.call('LPOP', KEYS[3])
    redis.call('SET', KEYS[4], string.match(dropped, '^(%d+)'))
  end
  redis.call('PEXPIRE', KEYS[3], ARGV[7])
else
  redis.call('SET', KEYS[4], seq)
end
redis.call('PEXPIRE', KEYS[4], ARGV[7])
redis.call('SET', KEYS[5], seq, 'PX', ARGV[8])
redis.call('PUBLISH', 'pushwire:messages', ARGV[1] .. '|' .. ARGV[2] .. '|' .. entry)
return seq
)lua";

// What a server needs to start or resynchronise, in O(1): the epoch (made
// from ARGV[1] if there is none) and the last seq (raised to at least
// ARGV[2], so that seqs never go back for a server that saw higher ones).
// When the Redis answering is not the one that last did (its replication
// id changed: a replica was promoted, or Redis restarted), the seq jumps by
// a million: announcements the old master made but never replicated may
// have been heard, and their seqs must not be given to other messages.
// Returns {epoch, seq}. History is read per channel when it is asked for.
// KEYS: epoch, seq, replid.
inline constexpr std::string_view kState = R"lua(
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[1], epoch)
end
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
local floor = tonumber(ARGV[2])
local replid = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)')
local known = redis.call('GET', KEYS[3])
if known ~= replid then
  if known then seq = seq + 1000000 end
  redis.call('SET', KEYS[3], replid)
end
if seq < floor then seq = floor end
redis.call('SET', KEYS[2], seq)
return {epoch, tostring(seq)}
)lua";

// One channel's history as of one point of the sequence, read atomically
// with that point, so that every announcement after it is one the caller
// has not been answered: {epoch, seq, highest seq dropped, the channel's
// last seq ('' when Redis had none: it is set to seq then), {entries from
// ARGV[1] (0: all, -1: the newest only) to the end}}. The last seq's key is
// kept ARGV[2] ms longer.
// KEYS: history, evicted, epoch, seq, last.
inline constexpr std::string_view kHistory = R"lua(
local seq = redis.call('GET', KEYS[4]) or '0'
local last = redis.call('GET', KEYS[5])
if last then
  redis.call('PEXPIRE', KEYS[5], ARGV[2])
else
  redis.call('SET', KEYS[5], seq, 'PX', ARGV[2])
  last = ''
end
return {redis.call('GET', KEYS[3]) or '', seq, redis.call('GET', KEYS[2]) or '0', last,
        redis.call('LRANGE', KEYS[1], ARGV[1], -1)}
)lua";

}  // namespace pushwire::broker::redis_scripts
