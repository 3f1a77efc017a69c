// Feeds arbitrary bytes as the chunked body of a publish (chunk sizes,
// extensions, trailers and whatever follows), in pieces of a size taken from
// the input's first byte, the way a connection hands bytes to the parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "request_drain.h"

namespace {
constexpr pushwire::http::ParserLimits kLimits{.max_header_bytes = 1024, .max_body_bytes = 2048};
constexpr std::string_view kHead = "POST /pub/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  pushwire::http::RequestParser parser(kLimits);
  std::string pending(kHead);
  for (size_t at = 0; pushwire::fuzz::drain(parser, pending, kLimits.max_body_bytes) && at < body.size(); at += piece)
    pending.append(body.substr(at, piece));
  return 0;
}
