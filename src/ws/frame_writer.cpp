#include "ws/frame_writer.h"

#include <cassert>

namespace pushwire::ws {

namespace {
constexpr std::size_t kMaxControlPayload = 125;
}  // namespace

FrameHeader frame_header(Opcode op, std::uint64_t payload_size, bool rsv1, bool fin) {
  FrameHeader h{};
  h.bytes[0] = static_cast<char>((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | static_cast<std::uint8_t>(op));
  if (payload_size < 126) {
    h.bytes[1] = static_cast<char>(payload_size);
    h.size = 2;
  } else if (payload_size <= 0xffff) {
    h.bytes[1] = 126;
    h.bytes[2] = static_cast<char>(payload_size >> 8);
    h.bytes[3] = static_cast<char>(payload_size);
    h.size = 4;
  } else {
    h.bytes[1] = 127;
    for (int i = 0; i < 8; ++i) h.bytes[2 + i] = static_cast<char>(payload_size >> (56 - 8 * i));
    h.size = 10;
  }
  return h;
}

std::string encode_frame(Opcode op, std::string_view payload, bool rsv1) {
  assert(!is_control(op) || payload.size() <= kMaxControlPayload);
  const FrameHeader header = frame_header(op, payload.size(), rsv1);
  std::string frame;
  frame.reserve(header.size + payload.size());
  frame.append(header.view());
  frame.append(payload);
  return frame;
}

std::string encode_close(std::uint16_t code, std::string_view reason) {
  constexpr std::size_t kMaxReason = kMaxControlPayload - 2;
  if (reason.size() > kMaxReason) {
    std::size_t cut = kMaxReason;
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xc0) == 0x80) --cut;
    reason = reason.substr(0, cut);
  }
  const FrameHeader header = frame_header(Opcode::close, 2 + reason.size());
  std::string frame;
  frame.reserve(header.size + 2 + reason.size());
  frame.append(header.view());
  frame += static_cast<char>(code >> 8);
  frame += static_cast<char>(code & 0xff);
  frame.append(reason);
  return frame;
}

}  // namespace pushwire::ws
