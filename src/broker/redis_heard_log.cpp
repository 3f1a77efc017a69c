#include "broker/redis_heard_log.h"

namespace pushwire::broker {

namespace {
size_t size_of(const core::Message& message) {
  return sizeof message + message.channel.size() + message.event.size() + message.data.size() + message.id.size();
}
}  // namespace

void RedisHeardLog::read_answered() {
  if (!reads_.empty()) reads_.pop_front();
  if (reads_.empty()) {
    clear();
    return;
  }
  while (!messages_.empty() && messages_.front()->seq <= reads_.front()) {
    bytes_ -= size_of(*messages_.front());
    messages_.pop_front();
  }
}

void RedisHeardLog::heard(const core::MessagePtr& message) {
  if (reads_.empty()) return;
  bytes_ += size_of(*message);
  messages_.push_back(message);
}

std::vector<core::MessagePtr> RedisHeardLog::of(std::string_view channel, uint64_t seq) const {
  std::vector<core::MessagePtr> out;
  for (const core::MessagePtr& message : messages_)
    if (message->seq > seq && message->channel == channel) out.push_back(message);
  return out;
}

void RedisHeardLog::clear() {
  reads_.clear();
  messages_.clear();
  bytes_ = 0;
}

}  // namespace pushwire::broker
