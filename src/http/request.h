#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pushwire::http {

struct Header {
  std::string name;   // lower-cased
  std::string value;  // trimmed of surrounding spaces and tabs
};

// One parsed HTTP/1.x request.
struct Request {
  std::string method;  // "GET", "POST", "OPTIONS", ...
  std::string target;  // raw request-target as received
  std::string path;    // percent-decoded, without the query ("/pub/news"); "*" for OPTIONS *
  std::vector<std::pair<std::string, std::string>> query;  // decoded ('+' as space), in order
  std::vector<Header> headers;                             // in order, repeats kept
  std::string body;                                        // de-chunked
  int http_major = 1, http_minor = 1;
  bool keep_alive = true;  // the connection may carry another request after this one
  bool upgrade = false;    // asks for a protocol upgrade (Connection: upgrade + Upgrade)
  std::string protocol;    // HTTP/2 extended CONNECT's :protocol (RFC 8441), else empty

  // The value of the first header with this (lower-case) name, or nullptr:
  // for fields that hold one value (Origin, Authorization, ...).
  const std::string* header(std::string_view lower_name) const;
  // Every line of a list-valued header (Connection, Sec-WebSocket-Extensions,
  // ...) joined with ", ", which RFC 9110 section 5.3 makes the same field;
  // empty when absent.
  std::string header_list(std::string_view lower_name) const;
  size_t header_count(std::string_view lower_name) const;
  // The value of the first query parameter with this name, or nullptr.
  const std::string* query_param(std::string_view name) const;
};

}  // namespace pushwire::http
