// Incremental HTTP/1.1 response parser: status line, the few headers the
// load generator needs, and a body framed by Content-Length, chunked
// encoding, or the end of the connection. It knows nothing of sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

class HttpResponse {
 public:
  enum class Result { kNeedMore, kDone, kError };

  // Ready for the next response on a keep-alive connection.
  void reset();

  // Parses bytes from [p, p + n) and sets `used` to how many it consumed;
  // the caller keeps the rest. Body bytes, with any chunk framing removed,
  // go to on_body(const char*, size_t). kDone: this response is complete and
  // bytes after `used` belong to whatever follows it.
  template <class OnBody>
  Result feed(const char* p, size_t n, size_t& used, OnBody&& on_body);

  bool headers_done() const { return state_ != State::kHead; }
  // The body ends when the server closes the connection.
  bool body_until_close() const { return state_ == State::kUntilClose; }
  int status() const { return status_; }
  bool keep_alive() const { return keep_alive_; }
  const std::string& error() const { return error_; }
  const std::string& last_modified() const { return last_modified_; }
  const std::string& etag() const { return etag_; }
  const std::string& ws_accept() const { return ws_accept_; }
  const std::string& content_type() const { return content_type_; }

 private:
  enum class State { kHead, kLength, kChunkSize, kChunkData, kChunkEnd, kTrailer, kUntilClose, kDone };

  Result parse_head(const char* p, size_t n, size_t& used);
  Result fail(std::string message);

  State state_ = State::kHead;
  int status_ = 0;
  bool keep_alive_ = true;
  uint64_t remaining_ = 0;
  std::string error_, last_modified_, etag_, ws_accept_, content_type_;
};

template <class OnBody>
HttpResponse::Result HttpResponse::feed(const char* p, size_t n, size_t& used, OnBody&& on_body) {
  used = 0;
  if (state_ == State::kHead) {
    Result r = parse_head(p, n, used);
    if (r != Result::kNeedMore || state_ == State::kHead) return r;
  }
  while (used < n || state_ == State::kDone) {
    const char* at = p + used;
    size_t left = n - used;
    switch (state_) {
      case State::kDone:
        return Result::kDone;
      case State::kUntilClose:
        on_body(at, left);
        used = n;
        return Result::kNeedMore;
      case State::kLength:
      case State::kChunkData: {
        size_t take = left < remaining_ ? left : size_t(remaining_);
        on_body(at, take);
        used += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = state_ == State::kLength ? State::kDone : State::kChunkEnd;
        break;
      }
      case State::kChunkEnd:
        if (left < 2) return Result::kNeedMore;
        if (at[0] != '\r' || at[1] != '\n') return fail("bad chunk terminator");
        used += 2;
        state_ = State::kChunkSize;
        break;
      case State::kChunkSize:
      case State::kTrailer: {
        std::string_view rest(at, left);
        size_t eol = rest.find("\r\n");
        if (eol == std::string_view::npos) {
          if (left > 1024) return fail("chunk size line too long");
          return Result::kNeedMore;
        }
        used += eol + 2;
        if (state_ == State::kTrailer) {
          if (eol == 0) state_ = State::kDone;
          break;
        }
        uint64_t size = 0;
        size_t i = 0;
        for (; i < eol; i++) {
          char c = at[i];
          int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
          if (digit < 0) break;
          if (size >> 56) return fail("chunk too large");
          size = size * 16 + uint64_t(digit);
        }
        if (i == 0) return fail("bad chunk size");
        if (size == 0) {
          state_ = State::kTrailer;
        } else {
          remaining_ = size;
          state_ = State::kChunkData;
        }
        break;
      }
      case State::kHead:
        return fail("internal: head state in body");
    }
  }
  return state_ == State::kDone ? Result::kDone : Result::kNeedMore;
}
