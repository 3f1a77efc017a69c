#include "websocket.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>

namespace ws {

namespace {

std::string base64(const unsigned char* data, size_t len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, int(len));
  out.resize(size_t(written));
  return out;
}

}  // namespace

std::string make_key() {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    for (auto& b : raw) b = static_cast<unsigned char>(std::rand());
  }
  return base64(raw, sizeof raw);
}

std::string accept_for(const std::string& key) {
  std::string text = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base64(digest, sizeof digest);
}

Parse parse_header(const uint8_t* p, size_t n, FrameHeader& h) {
  if (n < 2) return Parse::kNeedMore;
  h.fin = p[0] & 0x80;
  h.opcode = p[0] & 0x0F;
  h.masked = p[1] & 0x80;
  if (p[0] & 0x70) return Parse::kError;  // RSV bits: no extension negotiated
  bool control = h.opcode & 0x08;
  if ((h.opcode > kBinary && !control) || h.opcode > kPong) return Parse::kError;
  uint64_t len = p[1] & 0x7F;
  size_t pos = 2;
  if (len == 126) {
    if (n < 4) return Parse::kNeedMore;
    len = uint64_t(p[2]) << 8 | p[3];
    pos = 4;
  } else if (len == 127) {
    if (n < 10) return Parse::kNeedMore;
    len = 0;
    for (int i = 0; i < 8; i++) len = len << 8 | p[2 + i];
    if (len >> 63) return Parse::kError;
    pos = 10;
  }
  if (control && (!h.fin || len > 125)) return Parse::kError;
  if (h.masked) {
    if (n < pos + 4) return Parse::kNeedMore;
    std::memcpy(h.mask, p + pos, 4);
    pos += 4;
  }
  h.length = len;
  h.header_size = pos;
  return Parse::kOk;
}

void append_frame(std::string& out, uint8_t opcode, const char* data, size_t len, uint32_t mask_key) {
  uint8_t head[14];
  size_t pos = 0;
  head[pos++] = uint8_t(0x80 | opcode);
  if (len < 126) {
    head[pos++] = uint8_t(0x80 | len);
  } else if (len <= 0xFFFF) {
    head[pos++] = 0x80 | 126;
    head[pos++] = uint8_t(len >> 8);
    head[pos++] = uint8_t(len);
  } else {
    head[pos++] = 0x80 | 127;
    for (int i = 7; i >= 0; i--) head[pos++] = uint8_t(uint64_t(len) >> (8 * i));
  }
  uint8_t mask[4];
  std::memcpy(mask, &mask_key, 4);
  std::memcpy(head + pos, mask, 4);
  pos += 4;
  out.append(reinterpret_cast<const char*>(head), pos);
  size_t base = out.size();
  out.append(data, len);
  for (size_t i = 0; i < len; i++) out[base + i] = char(uint8_t(out[base + i]) ^ mask[i & 3]);
}

}  // namespace ws
