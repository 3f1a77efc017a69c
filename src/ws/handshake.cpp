#include "ws/handshake.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

namespace pushwire::ws {

namespace {

constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// Whether the comma-separated header value `list` holds `token`, ignoring case.
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::string accept_key(std::string_view sec_websocket_key) {
  std::string input;
  input.reserve(sec_websocket_key.size() + kAcceptGuid.size());
  input.append(sec_websocket_key).append(kAcceptGuid);

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int digest_size = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &digest_size, EVP_sha1(), nullptr);

  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded;
  const int encoded_size = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest_size));
  return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(encoded_size)};
}

bool is_valid_client_key(std::string_view key) {
  return key.size() == 24 && key.ends_with("==") &&
         std::all_of(key.begin(), key.end() - 2, is_base64_char);
}

UpgradeCheck check_upgrade(const UpgradeRequest& request) {
  if (request.method != "GET") return {405, "a WebSocket upgrade must be a GET"};
  if (!has_token(request.upgrade, "websocket")) return {400, "missing Upgrade: websocket"};
  if (!has_token(request.connection, "upgrade")) return {400, "missing Connection: Upgrade"};
  if (request.version.empty()) return {400, "missing Sec-WebSocket-Version"};
  if (request.version != kSupportedVersion) return {426, "unsupported Sec-WebSocket-Version"};
  if (!is_valid_client_key(request.key)) return {400, "invalid Sec-WebSocket-Key"};
  return {101, {}};
}

}  // namespace pushwire::ws
