#pragma once
#include <string_view>

namespace pushwire::auth {

// Why a token is not taken. Each is a 401.
enum class TokenError {
  too_large,       // over the size cap, refused before it is parsed
  malformed,       // not three base64url parts of a JSON header and JSON claims
  bad_algorithm,   // "none", or an algorithm outside the configured key's family
  bad_signature,
  expired,         // no "exp", or "exp" is past
  not_yet_valid,   // "nbf" or "iat" ahead of the clock by more than the leeway
  wrong_issuer,
  wrong_audience,
};

// A sentence for the client's error message.
std::string_view token_error_message(TokenError error);

}  // namespace pushwire::auth
