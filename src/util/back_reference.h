#pragma once
#include <cstdint>

namespace pushwire::util {

// A pointer back to an object, for answers that may come after it is gone
// (a broker that answers later). The object makes one, takes a hold() for
// each answer it expects, and release()s it when it goes; each answer
// calls redeem() exactly once, which gives the object if it is still there.
// The cell frees itself when it is released and no answer is due.
// Costs one pointer in the object, where a weak_ptr would cost two.
template <typename T>
class BackReference {
 public:
  explicit BackReference(T* target) : target_(target) {}
  BackReference(const BackReference&) = delete;
  BackReference& operator=(const BackReference&) = delete;

  BackReference* hold() {
    ++due_;
    return this;
  }

  T* redeem() {
    --due_;
    T* target = target_;
    if (!target && due_ == 0) delete this;
    return target;
  }

  void release() {
    target_ = nullptr;
    if (due_ == 0) delete this;
  }

 private:
  ~BackReference() = default;

  T* target_;
  uint32_t due_ = 0;
};

}  // namespace pushwire::util
