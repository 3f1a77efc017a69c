#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace pushwire::transports {

// --publish-rate: a token bucket per client address, shared by every thread,
// that refills `per_second` tokens a second and holds at most that many (the
// burst; at least one, so that a rate under 1 still lets a publish through). A bucket full again is forgotten, so the map holds only addresses
// that published lately.
class PublishRate {
 public:
  explicit PublishRate(double per_second) : per_second_(per_second), burst_(per_second < 1 ? 1 : per_second) {}

  bool enabled() const { return per_second_ > 0; }
  // 0 when `address` may publish now (one token is taken), else the whole
  // seconds until it may.
  int64_t take(const std::string& address, int64_t now_ms);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  void refill(Bucket& bucket, int64_t now_ms) const;
  void forget_full(int64_t now_ms);

  const double per_second_;
  const double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  int64_t next_cleanup_ms_ = 0;
};

}  // namespace pushwire::transports
