#include "auth/base64url.h"

#include <array>
#include <cstdint>

namespace pushwire::auth {

namespace {
constexpr int8_t kNotInAlphabet = -1;

constexpr std::array<int8_t, 256> make_table() {
  std::array<int8_t, 256> table{};
  table.fill(kNotInAlphabet);
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  return table;
}
constexpr auto kTable = make_table();
}  // namespace

std::optional<std::string> decode_base64url(std::string_view text) {
  // One character left over carries only 6 bits: no whole byte.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t bits = 0;
  int bit_count = 0;
  for (char c : text) {
    const int8_t value = kTable[static_cast<unsigned char>(c)];
    if (value == kNotInAlphabet) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xff));
    }
  }
  if ((bits & ((1u << bit_count) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace pushwire::auth
