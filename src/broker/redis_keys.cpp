#include "broker/redis_keys.h"

namespace pushwire::broker {

RedisKeys::RedisKeys(bool cluster)
    : prefix_(cluster ? "pushwire:{pushwire}:" : "pushwire:"),
      epoch_(prefix_ + "epoch"),
      seq_(prefix_ + "seq"),
      replid_(prefix_ + "replid") {}

}  // namespace pushwire::broker
