#pragma once
#include <hiredis/hiredis.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "broker/redis_url.h"

namespace pushwire::broker {

// Which master of a Redis Cluster serves which hash slots, as CLUSTER SLOTS
// answers it (Redis 3 to 7), checked. A master given with an empty host
// is the node that answered: `answered_by` stands in for it.
struct RedisSlotMap {
  struct Range {
    uint16_t first = 0;
    uint16_t last = 0;
    RedisEndpoint::Address master;
    size_t replicas = 0;
  };
  std::vector<Range> ranges;

  // The range holding `slot`, or nullptr when no master serves it.
  const Range* owner_of(uint16_t slot) const;
  // Every master once, to ask for the map next time.
  std::vector<RedisEndpoint::Address> masters() const;
};

// Whether an error answer says that the slot is served by another node now
// (MOVED), is moving (ASK, TRYAGAIN) or is not served (CLUSTERDOWN): the
// command was not run.
bool redis_slot_elsewhere(std::string_view error);

std::optional<RedisSlotMap> read_slot_map(const redisReply* reply, const RedisEndpoint::Address& answered_by);

}  // namespace pushwire::broker
