#include "transports/poll/session_buffer.h"

#include <algorithm>

#include "transports/envelope.h"

namespace pushwire::transports {

namespace {
// Answers a client may still ack. It acks one of the last two unless it
// polls again while an answer is on its way; more are kept for good measure.
constexpr size_t kAnswersKept = 16;
}  // namespace

size_t SessionBuffer::cost(const core::MessagePtr& message) { return message->encoded(kEnvelope).size(); }

size_t SessionBuffer::add_message(core::MessagePtr message) {
  bytes_ += cost(message);
  entries_.push_back({next_pos_++, Entry::Kind::message, std::move(message), {}, {}});
  size_t dropped = 0;
  while (bytes_ > max_bytes_) {
    Entry oldest = std::move(entries_.front());
    entries_.pop_front();
    if (oldest.kind != Entry::Kind::message) {
      // A signal stays; it moves behind what is dropped.
      oldest.pos = next_pos_++;
      entries_.push_back(std::move(oldest));
      continue;
    }
    bytes_ -= cost(oldest.message);
    ++dropped;
    add_gap(oldest.message->channel);
  }
  return dropped;
}

void SessionBuffer::add_gap(const std::string& channel) {
  if (!has_gap(channel)) entries_.push_back({next_pos_++, Entry::Kind::gap, nullptr, channel, {}});
}

void SessionBuffer::add_position(const std::string& channel, std::string position) {
  entries_.push_back({next_pos_++, Entry::Kind::position, nullptr, channel, std::move(position)});
}

bool SessionBuffer::has_gap(std::string_view channel) const {
  return std::any_of(entries_.begin(), entries_.end(), [channel](const Entry& entry) {
    return entry.kind == Entry::Kind::gap && entry.signal_channel == channel;
  });
}

void SessionBuffer::forget(std::string_view channel) {
  std::erase_if(entries_, [this, channel](const Entry& entry) {
    if (entry.channel() != channel) return false;
    if (entry.message) bytes_ -= cost(entry.message);
    return true;
  });
}

void SessionBuffer::ack(std::string_view cursor) {
  auto newest = std::find_if(answers_.rbegin(), answers_.rend(),
                             [cursor](const Answer& answer) { return answer.cursor == cursor; });
  if (newest == answers_.rend()) return;
  const uint64_t end_pos = newest->end_pos;
  answers_.erase(answers_.begin(), std::prev(newest.base()));
  while (!entries_.empty() && entries_.front().pos < end_pos) {
    if (entries_.front().message) bytes_ -= cost(entries_.front().message);
    entries_.pop_front();
  }
}

void SessionBuffer::answered(std::string_view cursor) {
  if (!answers_.empty() && answers_.back().cursor == cursor && answers_.back().end_pos == next_pos_) return;
  if (answers_.size() == kAnswersKept) answers_.pop_front();
  answers_.push_back({std::string(cursor), next_pos_});
}

}  // namespace pushwire::transports
