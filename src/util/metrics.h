#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace pushwire::util {

// Why the server turned a client away, a label of pushwire_refused_total.
enum class Refusal : uint8_t {
  max_connections,
  max_connections_per_ip,
  too_many_channels,
  rate_limited,
  header_timeout,
  origin_not_allowed,
  max_sessions,
};
inline constexpr std::array<std::string_view, 7> kRefusalReasons = {
    "max_connections", "max_connections_per_ip", "too_many_channels", "rate_limited",
    "header_timeout",  "origin_not_allowed",     "max_sessions",
};

// Process-wide counters and gauges for /metrics. Relaxed atomics: they are
// statistics, not synchronisation.
struct Metrics {
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> messages_published_total{0};
  std::atomic<uint64_t> deliveries_total{0};
  std::atomic<uint64_t> slow_subscribers_disconnected_total{0};
  std::atomic<int64_t> subscribers_open{0};
  std::atomic<uint64_t> gaps_total{0};
  std::atomic<uint64_t> static_refused_total{0};
  std::array<std::atomic<uint64_t>, 12> access_refusals{};  // indexed by auth::Refusal
  std::array<std::atomic<uint64_t>, kRefusalReasons.size()> refused_total{};
  std::atomic<uint64_t> tls_handshake_timeouts_total{0};
  std::atomic<int64_t> sessions_open{0};
  std::atomic<uint64_t> sessions_created_total{0};
  std::atomic<uint64_t> session_requests_forwarded_total{0};  // to the thread that owns the session
  std::atomic<int64_t> sessions_buffered_bytes{0};            // poll sessions' messages kept between polls
  std::atomic<uint64_t> session_buffer_overflows_total{0};    // messages dropped past --max-session-buffer-bytes
  std::atomic<uint64_t> sessions_expired_total{0};            // poll sessions ended after --session-grace

  static void add(std::atomic<uint64_t>& counter, uint64_t n = 1) { counter.fetch_add(n, std::memory_order_relaxed); }
  void refused(Refusal reason) { add(refused_total[static_cast<size_t>(reason)]); }
  static void add(std::atomic<int64_t>& gauge, int64_t n) { gauge.fetch_add(n, std::memory_order_relaxed); }
};

}  // namespace pushwire::util
