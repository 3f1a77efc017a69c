#include "transports/poll_answer.h"

#include <algorithm>

#include "transports/envelope.h"
#include "util/json_escape.h"
#include "util/string_map.h"

namespace pushwire::transports {

namespace {
struct ChannelState {
  const core::Message* newest = nullptr;
  bool gap = false;
};
}  // namespace

std::string poll_answer(std::string_view session, const SessionBuffer& buffer, std::string_view cursor,
                        const std::vector<std::string>& channels) {
  std::vector<const core::Message*> messages;
  util::StringMap<ChannelState> states;
  bool any_gap = false;
  for (const SessionBuffer::Entry& entry : buffer.entries()) {
    ChannelState& state = states[entry.channel()];
    if (!entry.message) {
      state.gap = any_gap = true;
      continue;
    }
    messages.push_back(entry.message.get());
    if (!state.newest || state.newest->seq < entry.message->seq) state.newest = entry.message.get();
  }
  // An added channel's replay comes after newer messages of other channels.
  std::stable_sort(messages.begin(), messages.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  messages.erase(std::unique(messages.begin(), messages.end(), [](auto* a, auto* b) { return a->seq == b->seq; }),
                 messages.end());

  std::string out = "{\"session\":";
  util::append_json_string(out, session);
  out += ",\"messages\":[";
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i) out += ',';
    out += messages[i]->encoded(kEnvelope);
  }
  out += "],\"last_id\":";
  util::append_json_string(out, cursor);
  out += any_gap ? ",\"gap\":true,\"channels\":{" : ",\"gap\":false,\"channels\":{";
  for (size_t i = 0; i < channels.size(); ++i) {
    const std::string& channel = channels[i];
    auto it = states.find(channel);
    const ChannelState state = it == states.end() ? ChannelState{} : it->second;
    const std::string* held = buffer.cursor(channel);
    if (i) out += ',';
    util::append_json_string(out, channel);
    out += ":{\"last_id\":";
    util::append_json_string(out, state.newest ? std::string_view(state.newest->id) : held ? *held : cursor);
    out += state.gap ? ",\"gap\":true}" : ",\"gap\":false}";
  }
  out += "}}";
  return out;
}

}  // namespace pushwire::transports
