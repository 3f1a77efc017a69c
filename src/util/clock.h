#pragma once
#include <chrono>
#include <cstdint>

namespace pushwire::util {

// Milliseconds since the Unix epoch: the `time` of an envelope.
inline int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Monotonic milliseconds, for expiry and timeouts.
inline int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace pushwire::util
