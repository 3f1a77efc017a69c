#include "net/admission.h"

#include "net/connection.h"

namespace pushwire::net {

Admission::Verdict Admission::admit(Connection& connection) {
  if (total_.fetch_add(1, std::memory_order_relaxed) >= limits_.max_connections) {
    total_.fetch_sub(1, std::memory_order_relaxed);
    return Verdict::over_total;
  }
  if (limits_.max_per_address == 0) {
    connection.hold_place(&everyone_);
    return Verdict::admitted;
  }
  std::string address = connection.peer_ip();
  std::lock_guard lock(mutex_);
  auto found = by_address_.find(address);
  if (found == by_address_.end()) {
    auto place = std::make_unique<AdmissionPlace>(AdmissionPlace{this, std::move(address), 0});
    found = by_address_.emplace(place->address, std::move(place)).first;
  }
  AdmissionPlace& place = *found->second;
  if (place.connections >= limits_.max_per_address) {
    total_.fetch_sub(1, std::memory_order_relaxed);
    return Verdict::over_per_address;
  }
  ++place.connections;
  connection.hold_place(&place);
  return Verdict::admitted;
}

void Admission::release(AdmissionPlace* place) {
  if (place) place->owner->give_back(place);
}

void Admission::give_back(AdmissionPlace* place) {
  total_.fetch_sub(1, std::memory_order_relaxed);
  if (place == &everyone_) return;
  std::lock_guard lock(mutex_);
  // Erased by position: the key views the address that erasing destroys.
  if (--place->connections == 0) by_address_.erase(by_address_.find(place->address));
}

}  // namespace pushwire::net
