#pragma once
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
  std::atomic<int64_t> sessions_open{0};
  std::atomic<uint64_t> sessions_created_total{0};
  std::atomic<uint64_t> sessions_refused_total{0};   // --max-sessions
  std::atomic<uint64_t> channels_refused_total{0};   // --max-channels-per-client
  std::atomic<uint64_t> session_requests_forwarded_total{0};  // to the thread that owns the session

  static void add(std::atomic<uint64_t>& counter, uint64_t n = 1) { counter.fetch_add(n, std::memory_order_relaxed); }
  static void add(std::atomic<int64_t>& gauge, int64_t n) { gauge.fetch_add(n, std::memory_order_relaxed); }
};

}  // namespace pushwire::util
