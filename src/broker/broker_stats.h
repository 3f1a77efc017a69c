#pragma once
#include <array>
#include <atomic>
#include <cstdint>

namespace pushwire::broker {

// What /metrics tells about a networked broker, shared by the threads of
// one server. Relaxed atomics: statistics, not synchronisation.
struct BrokerStats {
  // Upper bounds of the round-trip histogram's buckets, in microseconds.
  static constexpr std::array<uint64_t, 12> kBucketsMicros = {100,   250,    500,    1'000,   2'500,   5'000,
                                                              10'000, 25'000, 50'000, 100'000, 250'000, 1'000'000};
  // Round trips per bucket (not cumulative); the last counts the slower ones.
  std::array<std::atomic<uint64_t>, kBucketsMicros.size() + 1> round_trips{};
  std::atomic<uint64_t> round_trip_micros_sum{0};
  std::atomic<uint64_t> reconnects_total{0};
  std::atomic<uint64_t> resyncs_total{0};
  std::atomic<uint64_t> slot_moves_total{0};  // on a Redis Cluster: answers sending pushwire elsewhere
  std::atomic<uint64_t> history_reads_total{0};
  std::atomic<uint64_t> unknown_channel_reads_total{0};  // Redis had no last seq for the channel
  std::atomic<int64_t> history_held_bytes{0};

  void round_trip(uint64_t micros) {
    size_t bucket = 0;
    while (bucket < kBucketsMicros.size() && micros > kBucketsMicros[bucket]) ++bucket;
    round_trips[bucket].fetch_add(1, std::memory_order_relaxed);
    round_trip_micros_sum.fetch_add(micros, std::memory_order_relaxed);
  }
  static void add(std::atomic<uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }
};

}  // namespace pushwire::broker
