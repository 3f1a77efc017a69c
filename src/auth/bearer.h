#pragma once
#include <optional>
#include <string_view>

namespace pushwire::auth {

// The credential of an Authorization header value "Bearer CREDENTIAL" (the
// scheme in any case, RFC 7235), or nullopt for another scheme or none.
std::optional<std::string_view> bearer_credential(std::string_view authorization);

}  // namespace pushwire::auth
