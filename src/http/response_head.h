#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pushwire::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

std::string_view status_reason(int status);

// How a response body is delimited on the wire.
enum class BodyFraming {
  content_length,  // the whole body is known
  chunked,         // HTTP/1.1 chunked; the sender writes chunk frames
  until_close,     // the body ends when the connection closes
  none,            // 101, 204, 304: no body at all
};

// "HTTP/1.1 200 OK\r\n...\r\n\r\n"
std::string build_response_head(int status, const HeaderList& headers, BodyFraming framing, size_t content_length,
                                 bool keep_alive);

// One chunk of a chunked body: "<hex size>\r\n<data>\r\n".
std::string chunk(std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace pushwire::http
