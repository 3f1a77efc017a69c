#include "transports/poll/poll_answer.h"

#include <algorithm>
#include <vector>

#include "transports/envelope.h"
#include "util/json_escape.h"

namespace pushwire::transports {

namespace {
using Entry = SessionBuffer::Entry;

void append_messages(std::string& out, const std::deque<Entry>& entries) {
  std::vector<const core::Message*> messages;
  for (const Entry& entry : entries)
    if (entry.message) messages.push_back(entry.message.get());
  // An added channel's replay comes after newer messages of other channels.
  if (!std::is_sorted(messages.begin(), messages.end(), [](auto* a, auto* b) { return a->seq < b->seq; })) {
    std::stable_sort(messages.begin(), messages.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
    messages.erase(std::unique(messages.begin(), messages.end(), [](auto* a, auto* b) { return a->seq == b->seq; }),
                   messages.end());
  }
  out += ",\"messages\":[";
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i) out += ',';
    out += messages[i]->encoded(kEnvelope);
  }
  out += ']';
}

// One entry of `channels` for each channel `entries` name.
void append_channels(std::string& out, const std::deque<Entry>& entries) {
  std::vector<const Entry*> by_channel;
  by_channel.reserve(entries.size());
  for (const Entry& entry : entries) by_channel.push_back(&entry);
  // Stable: a channel's entries stay in the order they came, its newest last.
  std::stable_sort(by_channel.begin(), by_channel.end(),
                   [](const Entry* a, const Entry* b) { return a->channel() < b->channel(); });
  out += ",\"channels\":{";
  for (auto first = by_channel.begin(); first != by_channel.end();) {
    const std::string& channel = (*first)->channel();
    const std::string* last_id = nullptr;
    bool gap = false;
    auto it = first;
    for (; it != by_channel.end() && (*it)->channel() == channel; ++it) {
      const Entry& entry = **it;
      if (entry.kind == Entry::Kind::gap) gap = true;
      else if (entry.kind == Entry::Kind::position && !last_id) last_id = &entry.position;
      else if (entry.message) last_id = &entry.message->id;
    }
    if (first != by_channel.begin()) out += ',';
    util::append_json_string(out, channel);
    out += ':';
    if (last_id) {
      out += "{\"last_id\":";
      util::append_json_string(out, *last_id);
      out += ',';
    } else {
      out += '{';
    }
    out += gap ? "\"gap\":true}" : "\"gap\":false}";
    first = it;
  }
  out += '}';
}
}  // namespace

std::string poll_answer(const PollContent& content) {
  const auto& [session, buffer, cursor] = content;
  std::string out;
  out.reserve(buffer.bytes() + 256);
  out += "{\"session\":";
  util::append_json_string(out, session);
  append_messages(out, buffer.entries());
  out += ",\"last_id\":";
  util::append_json_string(out, cursor);
  const bool any_gap = std::any_of(buffer.entries().begin(), buffer.entries().end(),
                                  [](const Entry& entry) { return entry.kind == Entry::Kind::gap; });
  out += any_gap ? ",\"gap\":true" : ",\"gap\":false";
  append_channels(out, buffer.entries());
  out += '}';
  return out;
}

}  // namespace pushwire::transports
