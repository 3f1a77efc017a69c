#pragma once
#include <charconv>
#include <string_view>

namespace pushwire::util {

// Reads `text` as one whole decimal number of type Number: no sign unless
// Number has one, no spaces, nothing after it, and it must fit.
template <typename Number>
bool parse_whole_number(std::string_view text, Number& out) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace pushwire::util
