#include "url.h"

#include <arpa/inet.h>

#include <cstdlib>

bool parse_url(const std::string& text, Url& out, std::string& error) {
  size_t sep = text.find("://");
  if (sep == std::string::npos) {
    error = "URL without scheme: " + text;
    return false;
  }
  out.scheme = text.substr(0, sep);
  out.tls = out.scheme == "wss" || out.scheme == "https";
  if (out.tls) out.scheme.pop_back();
  if (out.scheme != "ws" && out.scheme != "http") {
    error = "unsupported scheme '" + out.scheme + "' (ws, wss, http or https): " + text;
    return false;
  }
  size_t host_start = sep + 3;
  size_t path_start = text.find('/', host_start);
  out.host_port =
      text.substr(host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
  out.target = path_start == std::string::npos ? "/" : text.substr(path_start);
  std::string host = out.host_port;
  unsigned long port = out.tls ? 443 : 80;
  size_t colon = host.rfind(':');
  if (colon != std::string::npos) {
    char* end = nullptr;
    port = std::strtoul(host.c_str() + colon + 1, &end, 10);
    if (*end || port == 0 || port > 65535) {
      error = "bad port in " + text;
      return false;
    }
    host.resize(colon);
  }
  if (host == "localhost") host = "127.0.0.1";
  out.addr = {};
  out.addr.sin_family = AF_INET;
  out.addr.sin_port = htons(uint16_t(port));
  if (inet_pton(AF_INET, host.c_str(), &out.addr.sin_addr) != 1) {
    error = "host must be a numeric IPv4 address: " + text;
    return false;
  }
  return true;
}

std::string expand(const std::string& tmpl, const std::string& channel) {
  static const std::string kKey = "{channel}";
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t hit = tmpl.find(kKey, pos);
    if (hit == std::string::npos) break;
    out.append(tmpl, pos, hit - pos);
    out += channel;
    pos = hit + kKey.size();
  }
  out.append(tmpl, pos, std::string::npos);
  return out;
}

std::string expand_each(const std::string& tmpl, const std::vector<std::string>& channels) {
  const size_t at = tmpl.find("{channel}");
  const size_t begin = tmpl.find_last_of("?&", at) + 1;
  size_t end = tmpl.find('&', at);
  if (end == std::string::npos) end = tmpl.size();
  const std::string param = tmpl.substr(begin, end - begin);
  std::string params;
  for (const std::string& channel : channels) params += (params.empty() ? "" : "&") + expand(param, channel);
  return tmpl.substr(0, begin) + params + tmpl.substr(end);
}
