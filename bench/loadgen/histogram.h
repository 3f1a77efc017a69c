// Latency histogram with log-linear buckets: 32 sub-buckets per power of
// two, so any recorded value is reported within about 3% of itself, in a
// fixed 15 KiB whatever the number of samples.
#pragma once

#include <array>
#include <cstdint>

class Histogram {
 public:
  void record(uint64_t value);
  // Value at quantile q in [0, 1] (the midpoint of its bucket); 0 if empty.
  uint64_t quantile(double q) const;
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  double mean() const { return count_ ? sum_ / double(count_) : 0.0; }

 private:
  static constexpr int kSubBits = 5;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kBuckets = (64 - kSubBits + 1) * kSub;

  static int index_of(uint64_t value);
  static uint64_t lower_bound(int index);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
  double sum_ = 0;
};
