#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pushwire::net {

class Admission;
class Connection;

// Where an admitted connection is counted; it gives its place back when it closes.
struct AdmissionPlace {
  Admission* owner;
  std::string address;  // empty for the place of every address when they are not counted apart
  int64_t connections = 0;
};

struct AdmissionLimits {
  int64_t max_connections = 1;
  int64_t max_per_address = 0;  // 0: no limit per address
};

// Decides at accept whether a connection is served, under a cap on all
// connections and one per client address, shared by every loop. The total is
// an atomic; addresses are counted in a map under a lock, touched only at
// accept and close (and not at all without a per-address cap).
class Admission {
 public:
  enum class Verdict { admitted, over_total, over_per_address };

  explicit Admission(AdmissionLimits limits) : limits_(limits) {}

  // Admitted: the connection holds a place until it closes.
  Verdict admit(Connection& connection);
  static void release(AdmissionPlace* place);

 private:
  void give_back(AdmissionPlace* place);

  const AdmissionLimits limits_;
  std::atomic<int64_t> total_{0};
  AdmissionPlace everyone_{this, {}, 0};
  std::mutex mutex_;
  std::unordered_map<std::string_view, std::unique_ptr<AdmissionPlace>> by_address_;  // keys view their place's address
};

}  // namespace pushwire::net
