// Feeds arbitrary text as a stream cursor (Last-Event-ID or since= of a
// multi-channel stream) to channels with history: each must answer without
// crashing, never replay a message at or before the place it names, and
// keep what it replays in order.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/channel_histories.h"

namespace {
using namespace pushwire::core;

const IdScheme kIds("run1");
constexpr uint64_t kLastSeq = 12;

ChannelHistories& channels() {
  static ChannelHistories histories = [] {
    ChannelHistories made({4, 1'000'000});
    for (uint64_t seq = 1; seq <= kLastSeq; ++seq) {
      auto m = std::make_shared<Message>();
      m->channel = seq % 3 ? "a" : "b";
      m->seq = seq;
      m->id = kIds.make_id(seq);
      made.append(m, 0);
    }
    return made;
  }();
  return histories;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string since(reinterpret_cast<const char*>(data), size);
  const Cursor cursor = Cursor::parse(&since, kIds, CursorScope::stream);
  for (const char* channel : {"a", "b", "none"}) {
    const Replay replay = channels().replay(channel, cursor, kLastSeq, 0);
    // A place not reached yet is unknown: everything kept, with a gap.
    const bool placed = cursor.kind == Cursor::Kind::after && cursor.seq <= kLastSeq;
    if (cursor.kind == Cursor::Kind::after && !placed && !replay.gap) __builtin_trap();
    uint64_t previous = placed ? cursor.seq : 0;
    for (const MessagePtr& message : replay.messages) {
      if (message->seq <= previous || message->channel != channel) __builtin_trap();
      previous = message->seq;
    }
  }
  return 0;
}
