#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ws/opcode.h"

namespace pushwire::ws {

// The header of one unmasked (server-to-client) frame, so that a caller can
// send it followed by a payload that it shares with other connections.
struct FrameHeader {
  static constexpr std::size_t kMaxSize = 10;
  std::array<char, kMaxSize> bytes;
  std::uint8_t size;

  std::string_view view() const { return {bytes.data(), size}; }
};

// `rsv1` marks the first frame of a permessage-deflate compressed message.
FrameHeader frame_header(Opcode op, std::uint64_t payload_size, bool rsv1 = false, bool fin = true);

// A whole unfragmented frame. Control frames take at most 125 payload bytes.
std::string encode_frame(Opcode op, std::string_view payload, bool rsv1 = false);

// A close frame. `code` must be one that may be sent (not 1005, 1006 or 1015);
// a reason too long for a control frame is cut at a code point boundary.
std::string encode_close(std::uint16_t code, std::string_view reason = {});

}  // namespace pushwire::ws
