#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace pushwire::ws {

// What permessage-deflate (RFC 7692) settled for one connection. The server
// side is fixed: server_no_context_takeover, with a window of
// kDeflaterWindowBits; negotiate_deflate also always asks the client for
// client_no_context_takeover, so that no inflate state outlives a message.
struct DeflateParams {
  // The client resets its compressor after each message, so the server need
  // not keep an inflate state between messages.
  bool client_no_context_takeover = false;
};

struct DeflateAgreement {
  DeflateParams params;
  std::string response;  // the Sec-WebSocket-Extensions value to answer with
};

// Accepts the first permessage-deflate offer in `offers` (the request's
// Sec-WebSocket-Extensions value, repeated headers joined with ",") that this
// server can honour. Offers with unknown or repeated parameters, bad values,
// or a server_max_window_bits below kDeflaterWindowBits are declined, as is
// every offer of a value that does not parse; nullopt: no compression.
std::optional<DeflateAgreement> negotiate_deflate(std::string_view offers);

}  // namespace pushwire::ws
