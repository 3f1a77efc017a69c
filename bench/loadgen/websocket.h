// The client side of RFC 6455 that the load generator needs: the opening
// handshake's key and expected accept value, the frame header codec, and
// masked client frames. No sockets here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

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

}  // namespace ws
