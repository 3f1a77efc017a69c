#include "http/response_head.h"

#include <cstdio>

#include "util/json_escape.h"

namespace pushwire::http {

std::string_view status_reason(int status) {
  switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string error_body(std::string_view code, std::string_view message) {
  std::string body = "{\"error\":";
  util::append_json_string(body, code);
  body += ",\"message\":";
  util::append_json_string(body, message);
  body += "}";
  return body;
}

ResponseHead::ResponseHead(int status) {
  out_.reserve(320);
  out_ += "HTTP/1.1 ";
  out_ += std::to_string(status);
  out_ += ' ';
  out_ += status_reason(status);
  out_ += "\r\n";
}

void ResponseHead::add(std::string_view name, std::string_view value) {
  out_ += name;
  out_ += ": ";
  out_ += value;
  out_ += "\r\n";
}

void ResponseHead::add(const HeaderList& headers) {
  for (const auto& [name, value] : headers) add(name, value);
}

bool ResponseHead::has(std::string_view name) const {
  std::string needle = "\r\n";
  needle += name;
  needle += ": ";
  return out_.find(needle) != std::string::npos;
}

int ResponseHead::status() const {
  constexpr size_t kStatusAt = sizeof "HTTP/1.1 " - 1;
  return std::stoi(out_.substr(kStatusAt, 3));
}

std::vector<std::pair<std::string_view, std::string_view>> ResponseHead::fields() const {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  std::string_view rest(out_);
  rest.remove_prefix(rest.find("\r\n") + 2);  // the status line
  while (!rest.empty()) {
    const size_t end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    const size_t colon = line.find(": ");
    out.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    rest.remove_prefix(end + 2);
  }
  return out;
}

std::string ResponseHead::finish(BodyFraming framing, size_t content_length, bool keep_alive) && {
  switch (framing) {
    case BodyFraming::content_length:
      out_ += "Content-Length: ";
      out_ += std::to_string(content_length);
      out_ += "\r\n";
      break;
    case BodyFraming::chunked: out_ += "Transfer-Encoding: chunked\r\n"; break;
    case BodyFraming::until_close: keep_alive = false; break;
    case BodyFraming::none: break;
  }
  out_ += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return std::move(out_);
}

std::string chunk(std::string_view data) {
  char size[20];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out;
  out.reserve(n + data.size() + 2);
  out.append(size, n);
  out += data;
  out += "\r\n";
  return out;
}

}  // namespace pushwire::http
