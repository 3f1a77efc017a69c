// URL templates: `ws://127.0.0.1:8080/ws/{channel}`, or wss:// and https://
// for the same over TLS. Only numeric IPv4 hosts
// (and "localhost") are accepted: the load generator never resolves names.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

struct Url {
  std::string scheme;     // "ws" or "http" (also for wss and https)
  bool tls = false;       // wss or https
  std::string host_port;  // for the Host header
  sockaddr_in addr{};
  std::string target;  // path and query; may hold {channel}
};

bool parse_url(const std::string& text, Url& out, std::string& error);

// `tmpl` with every `{channel}` replaced by `channel`.
std::string expand(const std::string& tmpl, const std::string& channel);
// `tmpl` with the query parameter that holds `{channel}` repeated once for
// each of `channels` ("/sse?channel={channel}" -> "/sse?channel=a&channel=b").
std::string expand_each(const std::string& tmpl, const std::vector<std::string>& channels);
