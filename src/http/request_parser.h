#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "http/request.h"

namespace pushwire::http {

// Limits on raw bytes, checked while the bytes arrive.
struct ParserLimits {
  size_t max_header_bytes = 16 * 1024;  // request line and headers, up to the blank line
  size_t max_body_bytes = 64 * 1024;    // the body after de-chunking
};

enum class ParseError {
  none,
  bad_request,        // 400
  headers_too_large,  // 431
  body_too_large,     // 413
};

// Turns the bytes of one connection into requests, without touching a socket (llhttp inside).
// Its state (llhttp's, and the request being built: about 500 bytes) exists only
// while a request is being read, so a connection waiting between requests, or
// holding a stream open, keeps none.
class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits);
  RequestParser(RequestParser&&) noexcept;
  RequestParser& operator=(RequestParser&&) noexcept;
  ~RequestParser();

  struct Result {
    size_t consumed = 0;         // bytes of the input used
    bool request_ready = false;  // a complete request can be taken
    ParseError error = ParseError::none;  // once set, stays set: answer 400/431/413 and close
    std::string error_reason;             // short text for the error body and the log
    // The head of a request completed during this feed, the request asks for
    // `Expect: 100-continue` (HTTP/1.1 only), and its body is still to come: the caller should
    // write "HTTP/1.1 100 Continue\r\n\r\n" now. Never set together with request_ready or an
    // error, so a Content-Length over the body limit gets only the 413.
    bool expects_continue = false;
  };

  // Feeds bytes. Stops right after each complete request, so that pipelined requests come out
  // one at a time and the caller keeps the unconsumed rest for later, or at the end of the
  // input. An upgrade request stops after its headers (and body, if any); `consumed` then
  // excludes the bytes that follow, which belong to the new protocol.
  // While a request is ready and not yet taken, feed consumes nothing.
  Result feed(std::string_view bytes);

  // Moves out the completed request and readies the parser for the next one.
  // Call only after feed reported request_ready.
  Request take_request();

  // Part of a request's head has arrived, and not yet all of it.
  bool reading_head() const;
  // No byte of a next request has arrived (the parser then holds no state).
  bool between_requests() const { return !state_; }

 private:
  struct State;
  State& state();  // made by the first byte of a request

  ParserLimits limits_;
  std::unique_ptr<State> state_;
};

}  // namespace pushwire::http
