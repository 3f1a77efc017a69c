#include "http_response.h"

#include <strings.h>

#include <cstdlib>

namespace {

constexpr size_t kMaxHead = 64 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); i++)
    if (strncasecmp(hay.data() + i, needle.data(), needle.size()) == 0) return true;
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void HttpResponse::reset() {
  state_ = State::kHead;
  status_ = 0;
  keep_alive_ = true;
  remaining_ = 0;
  error_.clear();
  last_modified_.clear();
  etag_.clear();
  ws_accept_.clear();
  content_type_.clear();
}

HttpResponse::Result HttpResponse::fail(std::string message) {
  error_ = std::move(message);
  return Result::kError;
}

HttpResponse::Result HttpResponse::parse_head(const char* p, size_t n, size_t& used) {
  std::string_view all(p, n);
  size_t end = all.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (n > kMaxHead) return fail("response head over 64 KiB");
    return Result::kNeedMore;
  }
  std::string_view head = all.substr(0, end);
  used = end + 4;

  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/")
    return fail("bad status line: " + std::string(status_line.substr(0, 80)));
  bool http10 = status_line.substr(5, 3) == "1.0";
  status_ = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  if (status_ < 100 || status_ > 999)
    return fail("bad status line: " + std::string(status_line.substr(0, 80)));
  keep_alive_ = !http10;

  bool chunked = false;
  int64_t length = -1;
  while (eol != std::string_view::npos) {
    size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view line = head.substr(start, eol == std::string_view::npos ? head.npos : eol - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      length = std::atoll(std::string(value).c_str());
    } else if (iequals(name, "transfer-encoding")) {
      chunked = icontains(value, "chunked");
    } else if (iequals(name, "connection")) {
      if (icontains(value, "close")) keep_alive_ = false;
      if (icontains(value, "keep-alive")) keep_alive_ = true;
    } else if (iequals(name, "last-modified")) {
      last_modified_ = value;
    } else if (iequals(name, "etag")) {
      etag_ = value;
    } else if (iequals(name, "sec-websocket-accept")) {
      ws_accept_ = value;
    } else if (iequals(name, "content-type")) {
      content_type_ = value;
    }
  }

  if (status_ < 200 || status_ == 204 || status_ == 304) {
    state_ = State::kDone;
  } else if (chunked) {
    state_ = State::kChunkSize;
  } else if (length >= 0) {
    remaining_ = uint64_t(length);
    state_ = length == 0 ? State::kDone : State::kLength;
  } else {
    state_ = State::kUntilClose;
    keep_alive_ = false;
  }
  return Result::kNeedMore;
}
