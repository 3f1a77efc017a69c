#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pushwire::http {

// Extra headers a handler adds to its response; names are literals.
using HeaderList = std::vector<std::pair<std::string_view, std::string>>;

std::string_view status_reason(int status);

// How a response body is delimited on the wire.
enum class BodyFraming {
  content_length,  // the whole body is known
  chunked,         // HTTP/1.1 chunked; the sender writes chunk frames
  until_close,     // the body ends when the connection closes
  none,            // 101, 204, 304: no body at all
};

// Writes "HTTP/1.1 200 OK\r\n" and headers straight into one string, so a
// response costs one allocation however many headers it has.
class ResponseHead {
 public:
  explicit ResponseHead(int status);
  void add(std::string_view name, std::string_view value);
  void add(const HeaderList& headers);
  bool has(std::string_view name) const;
  // The status and the fields added so far, for HTTP/2, which encodes them
  // its own way (the views point into this head).
  int status() const;
  std::vector<std::pair<std::string_view, std::string_view>> fields() const;
  // Framing and Connection headers, the blank line; the body may follow.
  std::string finish(BodyFraming framing, size_t content_length, bool keep_alive) &&;

 private:
  std::string out_;
};

// {"error":CODE,"message":MESSAGE}, the body of every error response.
std::string error_body(std::string_view code, std::string_view message);

// One chunk of a chunked body: "<hex size>\r\n<data>\r\n".
std::string chunk(std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace pushwire::http
