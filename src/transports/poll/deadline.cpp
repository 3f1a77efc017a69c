#include "transports/poll/deadline.h"

#include <algorithm>

namespace pushwire::transports {

void Deadline::set(int64_t in_ms) {
  due_ms_ = loop_.now_ms() + in_ms;
  if (armed_ms_ == kNone || armed_ms_ > due_ms_) arm(due_ms_);
}

void Deadline::arm(int64_t at_ms) {
  armed_ms_ = at_ms;
  timer_.start(std::max<int64_t>(at_ms - loop_.now_ms(), 0), [this] { on_fire(); });
}

void Deadline::on_fire() {
  armed_ms_ = kNone;
  if (due_ms_ == kNone) return;
  if (loop_.now_ms() < due_ms_) {
    arm(due_ms_);
    return;
  }
  due_ms_ = kNone;
  on_pass_();
}

}  // namespace pushwire::transports
