#pragma once
#include <cstdint>
#include <string_view>

namespace pushwire::broker {

// Redis Cluster's hash slot of a key: CRC16 (XMODEM) of the key, or of its
// hash tag (what stands between the first '{' and the next '}', when that
// is not empty), modulo 16384.
uint16_t redis_key_slot(std::string_view key);

}  // namespace pushwire::broker
