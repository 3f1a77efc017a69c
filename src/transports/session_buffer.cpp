#include "transports/session_buffer.h"

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
  entries_.push_back({next_pos_++, std::move(message), {}});
  size_t dropped = 0;
  while (bytes_ > max_bytes_) {
    Entry oldest = std::move(entries_.front());
    entries_.pop_front();
    if (!oldest.message) {
      // A gap signal stays; it moves behind what is dropped.
      entries_.push_back({next_pos_++, nullptr, std::move(oldest.gap_channel)});
      continue;
    }
    bytes_ -= cost(oldest.message);
    ++dropped;
    add_gap(oldest.message->channel);
  }
  return dropped;
}

void SessionBuffer::add_gap(const std::string& channel) {
  if (!has_gap(channel)) entries_.push_back({next_pos_++, nullptr, channel});
}

bool SessionBuffer::has_gap(std::string_view channel) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [channel](const Entry& entry) { return !entry.message && entry.gap_channel == channel; });
}

void SessionBuffer::ack(std::string_view cursor) {
  auto newest = std::find_if(answers_.rbegin(), answers_.rend(),
                             [cursor](const Answer& answer) { return answer.cursor == cursor; });
  if (newest == answers_.rend()) return;
  const uint64_t end_pos = newest->end_pos;
  answers_.erase(answers_.begin(), std::prev(newest.base()));
  while (!entries_.empty() && entries_.front().pos < end_pos) {
    const Entry& entry = entries_.front();
    if (entry.message) {
      bytes_ -= cost(entry.message);
      if (auto it = cursors_.find(entry.message->channel); it != cursors_.end()) it->second = entry.message->id;
    }
    entries_.pop_front();
  }
}

void SessionBuffer::answered(std::string_view cursor) {
  if (!answers_.empty() && answers_.back().cursor == cursor && answers_.back().end_pos == next_pos_) return;
  if (answers_.size() == kAnswersKept) answers_.pop_front();
  answers_.push_back({std::string(cursor), next_pos_});
}

void SessionBuffer::forget(std::string_view channel) {
  if (auto it = cursors_.find(channel); it != cursors_.end()) cursors_.erase(it);
}

const std::string* SessionBuffer::cursor(std::string_view channel) const {
  auto it = cursors_.find(channel);
  return it == cursors_.end() ? nullptr : &it->second;
}

}  // namespace pushwire::transports
