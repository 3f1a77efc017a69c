#include "histogram.h"

#include <bit>

int Histogram::index_of(uint64_t value) {
  if (value < kSub) return int(value);
  int msb = 63 - std::countl_zero(value);
  int shift = msb - kSubBits;  // >= 0
  int exponent = shift + 1;    // >= 1
  int sub = int((value >> shift) - kSub);
  return exponent * kSub + sub;
}

uint64_t Histogram::lower_bound(int index) {
  int exponent = index / kSub;
  int sub = index % kSub;
  if (exponent == 0) return uint64_t(sub);
  return uint64_t(kSub + sub) << (exponent - 1);
}

void Histogram::record(uint64_t value) {
  counts_[index_of(value)]++;
  count_++;
  sum_ += double(value);
  if (value > max_) max_ = value;
  if (value < min_) min_ = value;
}

uint64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  if (q <= 0) return min_;
  if (q >= 1) return max_;
  // The rank of the sample we want, 1-based, rounded up (nearest-rank).
  uint64_t rank = uint64_t(q * double(count_));
  if (double(rank) < q * double(count_)) rank++;
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; i++) {
    seen += counts_[i];
    if (seen >= rank) {
      uint64_t lo = lower_bound(i);
      uint64_t hi = i + 1 < kBuckets ? lower_bound(i + 1) : max_;
      uint64_t mid = lo + (hi - lo) / 2;
      if (mid > max_) mid = max_;
      if (mid < min_) mid = min_;
      return mid;
    }
  }
  return max_;
}
