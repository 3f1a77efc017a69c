// Feeds arbitrary bytes to the request parser in two pieces, split at a point taken from the
// input's last byte, and takes every request like a connection does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/request_parser.h"

namespace {

using pushwire::http::ParseError;
using pushwire::http::ParserLimits;
using pushwire::http::Request;
using pushwire::http::RequestParser;

constexpr ParserLimits kLimits{.max_header_bytes = 1024, .max_body_bytes = 2048};

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Returns false once the parser has failed.
bool drain(RequestParser& parser, std::string& pending) {
  for (;;) {
    RequestParser::Result result = parser.feed(pending);
    check(result.consumed <= pending.size());
    pending.erase(0, result.consumed);
    if (result.error != ParseError::none) {
      check(!result.error_reason.empty());
      return false;
    }
    if (!result.request_ready) {
      check(pending.empty());
      return true;
    }
    Request request = parser.take_request();
    check(request.path.starts_with('/') || request.path == "*");
    check(request.body.size() <= kLimits.max_body_bytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = size * data[size - 1] / 256;

  RequestParser parser(kLimits);
  std::string pending(input.substr(0, split));
  if (drain(parser, pending)) {
    pending.append(input.substr(split));
    drain(parser, pending);
  }
  return 0;
}
