// Feeds arbitrary bytes to the request parser in two pieces, split at a point taken from the
// input's last byte, and takes every request like a connection does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "request_drain.h"

namespace {
constexpr pushwire::http::ParserLimits kLimits{.max_header_bytes = 1024, .max_body_bytes = 2048};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = size * data[size - 1] / 256;

  pushwire::http::RequestParser parser(kLimits);
  std::string pending(input.substr(0, split));
  if (pushwire::fuzz::drain(parser, pending, kLimits.max_body_bytes)) {
    pending.append(input.substr(split));
    pushwire::fuzz::drain(parser, pending, kLimits.max_body_bytes);
  }
  return 0;
}
