// The client side of RFC 6455 that the load generator needs: the opening
// handshake's key and expected accept value, the frame header codec, and
// masked client frames. No sockets here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ws {

enum Opcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

// A fresh Sec-WebSocket-Key (base64 of 16 random bytes).
std::string make_key();
// The Sec-WebSocket-Accept a server must answer to `key`.
std::string accept_for(const std::string& key);

struct FrameHeader {
  bool fin = false;
  uint8_t opcode = 0;
  bool masked = false;
  uint8_t mask[4] = {};
  uint64_t length = 0;
  size_t header_size = 0;
};

enum class Parse { kNeedMore, kOk, kError };

// Parses the frame header at p. kError for reserved bits or opcodes, a
// fragmented control frame, or a control frame over 125 bytes.
Parse parse_header(const uint8_t* p, size_t n, FrameHeader& h);

// Appends one complete frame (FIN set) with a client mask to `out`.
void append_frame(std::string& out, uint8_t opcode, const char* data, size_t len, uint32_t mask_key);

// How read_frames stopped: at a frame not all there yet, because on_frame said so, or at a
// header parse_header refuses or a frame longer than the limit.
enum class Frames { kNeedMore, kStopped, kError };

// Hands each whole frame at the start of p[0, n) to on_frame(header, payload), the payload
// unmasked (servers must not mask; a masked frame is read anyway), for as long as on_frame
// returns true. `used` is set to the bytes of the frames on_frame accepted.
template <typename OnFrame>
Frames read_frames(const char* p, size_t n, uint64_t max_length, size_t& used, OnFrame&& on_frame) {
  used = 0;
  while (used < n) {
    FrameHeader h;
    Parse r = parse_header(reinterpret_cast<const uint8_t*>(p + used), n - used, h);
    if (r == Parse::kNeedMore) break;
    if (r == Parse::kError || h.length > max_length) return Frames::kError;
    if (n - used - h.header_size < h.length) break;
    std::string_view payload(p + used + h.header_size, size_t(h.length));
    std::string unmasked;
    if (h.masked) {
      unmasked.assign(payload);
      for (size_t i = 0; i < unmasked.size(); i++) unmasked[i] = char(unmasked[i] ^ h.mask[i & 3]);
      payload = unmasked;
    }
    if (!on_frame(h, payload)) return Frames::kStopped;
    used += h.header_size + size_t(h.length);
  }
  return Frames::kNeedMore;
}

}  // namespace ws
