#include "broker/memory_broker.h"

#include "util/clock.h"

namespace pushwire::broker {

MemoryBroker::MemoryBroker(core::HistoryLimits limits, core::IdScheme ids) : channels_(limits), ids_(std::move(ids)) {}

void MemoryBroker::publish(std::string_view channel, std::string_view event, std::string data, PublishDone done) {
  auto message = std::make_shared<core::Message>();
  message->channel = channel;
  message->event = event;
  message->data = std::move(data);
  core::MessagePtr shared;
  {
    std::lock_guard lock(mutex_);
    message->seq = ++last_seq_;
    message->id = ids_.make_id(message->seq);
    message->time_ms = util::wall_ms();
    shared = std::move(message);
    channels_.append(shared, shared->seq - 1, util::steady_ms());
    // Posting under the lock gives every thread the same per-channel order.
    for (core::Fanout* fanout : fanouts_) fanout->post(shared);
  }
  done(std::move(shared));
}

void MemoryBroker::replay(std::string_view channel, const std::string* since, ReplayDone done) {
  const core::Cursor cursor = core::Cursor::parse(since, ids_);
  core::Replay replay;
  {
    std::lock_guard lock(mutex_);
    replay = channels_.replay(channel, cursor, last_seq_, util::steady_ms());
  }
  done(std::move(replay));
}

void MemoryBroker::attach(core::Fanout* fanout) {
  std::lock_guard lock(mutex_);
  fanouts_.push_back(fanout);
}

void MemoryBroker::sweep() {
  const int64_t now = util::steady_ms();
  std::lock_guard lock(mutex_);
  channels_.expire(now);
}

size_t MemoryBroker::history_bytes() {
  std::lock_guard lock(mutex_);
  return channels_.bytes();
}

size_t MemoryBroker::channel_count() {
  std::lock_guard lock(mutex_);
  return channels_.size();
}

}  // namespace pushwire::broker
