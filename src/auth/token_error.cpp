#include "auth/token_error.h"

namespace pushwire::auth {

std::string_view token_error_message(TokenError error) {
  switch (error) {
    case TokenError::too_large: return "the token is too large";
    case TokenError::malformed: return "the token is not a well-formed JWS compact token with JSON claims";
    case TokenError::bad_algorithm: return "the token's algorithm is not the one this server accepts";
    case TokenError::bad_signature: return "the token's signature does not verify";
    case TokenError::expired: return "the token has expired or has no exp claim";
    case TokenError::not_yet_valid: return "the token is not valid yet (nbf or iat is in the future)";
    case TokenError::wrong_issuer: return "the token's issuer (iss) is not the one this server accepts";
    case TokenError::wrong_audience: return "the token's audience (aud) does not include this server";
  }
  return "the token is not valid";
}

}  // namespace pushwire::auth
