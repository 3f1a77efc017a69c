#pragma once
#include <string>
#include <string_view>

namespace pushwire::broker {

// The names of pushwire's keys in Redis. On one Redis (or behind Sentinels)
// they are pushwire:epoch, pushwire:seq, pushwire:h:CHANNEL and so on. On a
// Redis Cluster every one carries the hash tag {pushwire}
// (pushwire:{pushwire}:seq, ...): a script may only touch keys of one slot,
// and every publish touches the one sequence, so all of them share its slot.
// Every server that shares a Redis must be given the same --history and
// --history-ttl.
class RedisKeys {
 public:
  explicit RedisKeys(bool cluster);

  const std::string& epoch() const { return epoch_; }    // token of the id space
  const std::string& seq() const { return seq_; }        // last seq given out
  const std::string& replid() const { return replid_; }  // replication id of the Redis that last answered kState
  std::string history(std::string_view channel) const { return prefix_ + "h:" + std::string(channel); }
  // The highest seq the channel's history let go.
  std::string evicted(std::string_view channel) const { return prefix_ + "e:" + std::string(channel); }
  // The channel's newest seq, or where the sequence stood when the channel
  // was first read (nothing known before that). It outlives the history
  // (--redis-last-id-ttl after the last publish or read), so that a cursor
  // at or after it is known to have missed nothing.
  std::string last(std::string_view channel) const { return prefix_ + "l:" + std::string(channel); }

 private:
  std::string prefix_;
  std::string epoch_;
  std::string seq_;
  std::string replid_;
};

}  // namespace pushwire::broker
