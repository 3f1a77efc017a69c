#pragma once
#include <string>
#include <string_view>

namespace pushwire::ws {

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 4.2.2).
std::string accept_key(std::string_view sec_websocket_key);

// Whether `key` is the base64 encoding of 16 bytes: 22 base64 characters and
// "==". Leftover bits in the last character are tolerated, as browsers and
// common servers do.
bool is_valid_client_key(std::string_view key);

// The header values of an upgrade request that decide whether it may become a
// WebSocket, trimmed of surrounding whitespace; an absent header is an empty
// value, and the values of a repeated header are joined with ",".
struct UpgradeRequest {
  std::string_view method;
  std::string_view upgrade;     // Upgrade: comma-separated tokens
  std::string_view connection;  // Connection: comma-separated tokens
  std::string_view version;     // Sec-WebSocket-Version
  std::string_view key;         // Sec-WebSocket-Key
};

struct UpgradeCheck {
  // 101 when the upgrade may proceed; otherwise the HTTP status to answer:
  // 405 for a method other than GET, 426 for a Sec-WebSocket-Version other
  // than 13 (answer with "Sec-WebSocket-Version: 13"), 400 for the rest.
  int status;
  std::string_view error;  // why not, in a few words; empty when ok

  bool ok() const { return status == 101; }
};

inline constexpr std::string_view kSupportedVersion = "13";

UpgradeCheck check_upgrade(const UpgradeRequest& request);

}  // namespace pushwire::ws
