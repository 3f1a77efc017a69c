#include "core/session_id.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace pushwire::core {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr size_t kRandomChars = kSessionIdLength - 2;

int digit_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}
}  // namespace

std::string make_session_id(unsigned owner_thread) {
  if (owner_thread >= kMaxSessionThreads) throw std::out_of_range("session owner thread");
  std::array<unsigned char, kRandomChars> random;
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string id;
  id.reserve(kSessionIdLength);
  id += kAlphabet[owner_thread / 64];
  id += kAlphabet[owner_thread % 64];
  for (unsigned char byte : random) id += kAlphabet[byte % 64];  // 6 random bits a character
  return id;
}

std::optional<unsigned> session_owner(std::string_view id) {
  if (id.size() != kSessionIdLength) return std::nullopt;
  for (char c : id)
    if (digit_value(c) < 0) return std::nullopt;
  return static_cast<unsigned>(digit_value(id[0]) * 64 + digit_value(id[1]));
}

}  // namespace pushwire::core
