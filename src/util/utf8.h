#pragma once
#include <cstdint>
#include <string_view>

namespace pushwire::util {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF),
// nothing above U+10FFFF, no truncated sequence at the end.
bool is_valid_utf8(std::string_view text);

// Validates a byte stream that arrives in pieces split anywhere, even inside a
// code point. Once invalid, it stays invalid until reset().
class Utf8Validator {
 public:
  // False at the first byte that cannot start or continue a valid sequence. A
  // sequence cut short by the end of `chunk` is not an error yet.
  bool feed(std::string_view chunk);

  // True when the bytes so far end on a code point boundary (and are valid).
  bool complete() const { return state_ == kAccept; }

  void reset() { state_ = kAccept; }

 private:
  static constexpr std::uint8_t kAccept = 0;
  std::uint8_t state_ = kAccept;
};

}  // namespace pushwire::util
