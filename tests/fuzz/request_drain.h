// What the request-parser fuzz targets share: feeding the parser the way a
// connection does and checking what it gives back.
#pragma once
#include <string>

#include "http/request_parser.h"

namespace pushwire::fuzz {

inline void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Takes every request `pending` completes, keeping what is left for later;
// false once the parser has failed (which must say why).
inline bool drain(http::RequestParser& parser, std::string& pending, size_t max_body_bytes) {
  for (;;) {
    http::RequestParser::Result result = parser.feed(pending);
    check(result.consumed <= pending.size());
    pending.erase(0, result.consumed);
    if (result.error != http::ParseError::none) {
      check(!result.error_reason.empty());
      return false;
    }
    if (!result.request_ready) {
      check(pending.empty());
      return true;
    }
    http::Request request = parser.take_request();
    check(request.path.starts_with('/') || request.path == "*");
    check(request.body.size() <= max_body_bytes);
  }
}

}  // namespace pushwire::fuzz
