#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace pushwire::auth {

// Decodes base64url as JWS writes it (RFC 7515 section 2): the URL-safe
// alphabet, no padding, no whitespace, and no stray bits in the last
// character. Anything else is refused, so that one token has one spelling.
std::optional<std::string> decode_base64url(std::string_view text);

}  // namespace pushwire::auth
