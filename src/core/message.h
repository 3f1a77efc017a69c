#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace pushwire::core {

struct Message;

// One way of putting a message on the wire (an SSE block, a WebSocket frame,
// an NDJSON chunk, ...). Transports define one static WireFormat each; the core
// knows them only as a numbered slot in every message's encoding cache.
class WireFormat {
 public:
  using Encoder = std::string (*)(const Message&);
  explicit WireFormat(Encoder encode);
  std::string encode(const Message& message) const { return encode_(message); }
  size_t slot() const { return slot_; }

  static constexpr size_t kMaxFormats = 12;

 private:
  Encoder encode_;
  size_t slot_;
};

// A published message: immutable once built, shared by every subscriber on
// every thread through MessagePtr. Its bytes for each wire format are made
// once, by the first subscriber of that format to ask, and then shared.
struct Message {
  std::string channel;
  std::string id;      // the resume cursor (see core/message_id.h)
  std::string event;   // "message" unless the publisher named one
  std::string data;    // UTF-8 text
  int64_t time_ms = 0; // milliseconds since the Unix epoch
  uint64_t seq = 0;    // position in the server's publish order; orders and dedupes

  // The exact bytes of this message in `format`. Thread-safe; the reference
  // stays valid for as long as the message lives.
  const std::string& encoded(const WireFormat& format) const;

 private:
  struct Slot {
    std::once_flag once;
    std::string bytes;
  };
  mutable std::array<Slot, WireFormat::kMaxFormats> cache_;
};

using MessagePtr = std::shared_ptr<const Message>;

}  // namespace pushwire::core
