#include "broker/redis_slot_map.h"

namespace pushwire::broker {

namespace {
constexpr long long kLastSlot = 16383;

bool is_slot(const redisReply* reply) {
  return reply->type == REDIS_REPLY_INTEGER && reply->integer >= 0 && reply->integer <= kLastSlot;
}

// [HOST, PORT, NODE-ID, ...]
std::optional<RedisEndpoint::Address> read_node(const redisReply* node, const RedisEndpoint::Address& answered_by) {
  if (node->type != REDIS_REPLY_ARRAY || node->elements < 2) return std::nullopt;
  const redisReply* host = node->element[0];
  const redisReply* port = node->element[1];
  if (host->type != REDIS_REPLY_STRING || port->type != REDIS_REPLY_INTEGER || port->integer < 1 ||
      port->integer > 65535)
    return std::nullopt;
  RedisEndpoint::Address address{std::string(host->str, host->len), static_cast<uint16_t>(port->integer)};
  if (address.host.empty()) address.host = answered_by.host;
  return address;
}
}  // namespace

const RedisSlotMap::Range* RedisSlotMap::owner_of(uint16_t slot) const {
  for (const Range& range : ranges)
    if (range.first <= slot && slot <= range.last) return &range;
  return nullptr;
}

std::vector<RedisEndpoint::Address> RedisSlotMap::masters() const {
  std::vector<RedisEndpoint::Address> masters;
  for (const Range& range : ranges) {
    bool known = false;
    for (const auto& m : masters) known = known || (m.host == range.master.host && m.port == range.master.port);
    if (!known) masters.push_back(range.master);
  }
  return masters;
}

bool redis_slot_elsewhere(std::string_view error) {
  return error.starts_with("MOVED ") || error.starts_with("ASK ") || error.starts_with("TRYAGAIN") ||
         error.starts_with("CLUSTERDOWN");
}

// [[FIRST, LAST, MASTER, REPLICA...], ...]
std::optional<RedisSlotMap> read_slot_map(const redisReply* reply, const RedisEndpoint::Address& answered_by) {
  if (!reply || reply->type != REDIS_REPLY_ARRAY) return std::nullopt;
  RedisSlotMap map;
  for (size_t i = 0; i < reply->elements; ++i) {
    const redisReply* entry = reply->element[i];
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 3) return std::nullopt;
    if (!is_slot(entry->element[0]) || !is_slot(entry->element[1])) return std::nullopt;
    const auto master = read_node(entry->element[2], answered_by);
    if (!master) return std::nullopt;
    RedisSlotMap::Range range{static_cast<uint16_t>(entry->element[0]->integer),
                              static_cast<uint16_t>(entry->element[1]->integer), *master, entry->elements - 3};
    if (range.first > range.last) return std::nullopt;
    map.ranges.push_back(std::move(range));
  }
  return map;
}

}  // namespace pushwire::broker
