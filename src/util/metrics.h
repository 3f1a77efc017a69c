#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace pushwire::util {

// Process-wide counters and gauges for /metrics. Relaxed atomics: they are
// statistics, not synchronisation.
struct Metrics {
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> messages_published_total{0};
  std::atomic<uint64_t> deliveries_total{0};
  std::atomic<uint64_t> slow_subscribers_disconnected_total{0};
  std::atomic<int64_t> subscribers_open{0};
  std::atomic<uint64_t> gaps_total{0};
  std::array<std::atomic<uint64_t>, 12> access_refusals{};  // indexed by auth::Refusal

  static void add(std::atomic<uint64_t>& counter, uint64_t n = 1) { counter.fetch_add(n, std::memory_order_relaxed); }
  static void add(std::atomic<int64_t>& gauge, int64_t n) { gauge.fetch_add(n, std::memory_order_relaxed); }
};

}  // namespace pushwire::util
