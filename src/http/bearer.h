#pragma once
#include <optional>
#include <string_view>

#include "http/request.h"

namespace pushwire::http {

// The token of `Authorization: Bearer TOKEN`, or nothing. The scheme is
// matched case-insensitively (RFC 9110 11.1) and may be followed by one or
// more spaces; the token itself is taken as sent.
std::optional<std::string_view> bearer_token(const Request& request);

}  // namespace pushwire::http
