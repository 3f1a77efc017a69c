#include "transports/publish/publish_rate.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace pushwire::transports {

namespace {
constexpr int64_t kCleanupEveryMs = 10'000;
}

void PublishRate::refill(Bucket& bucket, int64_t now_ms) const {
  const double earned = static_cast<double>(now_ms - bucket.updated_ms) * per_second_ / 1000;
  bucket.tokens = std::min(burst_, bucket.tokens + earned);
  bucket.updated_ms = now_ms;
}

int64_t PublishRate::take(const std::string& address, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (now_ms >= next_cleanup_ms_) forget_full(now_ms);
  auto [it, added] = buckets_.try_emplace(address, Bucket{burst_, now_ms});
  Bucket& bucket = it->second;
  refill(bucket, now_ms);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - bucket.tokens) / per_second_)));
}

void PublishRate::forget_full(int64_t now_ms) {
  next_cleanup_ms_ = now_ms + kCleanupEveryMs;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now_ms);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace pushwire::transports
