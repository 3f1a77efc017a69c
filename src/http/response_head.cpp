#include "http/response_head.h"

#include <cstdio>

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
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string build_response_head(int status, const HeaderList& headers, BodyFraming framing, size_t content_length,
                                bool keep_alive) {
  std::string out;
  out.reserve(256);
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += status_reason(status);
  out += "\r\n";
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  switch (framing) {
    case BodyFraming::content_length:
      out += "Content-Length: ";
      out += std::to_string(content_length);
      out += "\r\n";
      break;
    case BodyFraming::chunked: out += "Transfer-Encoding: chunked\r\n"; break;
    case BodyFraming::until_close: keep_alive = false; break;
    case BodyFraming::none: break;
  }
  if (status != 101) out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  out += "\r\n";
  return out;
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
