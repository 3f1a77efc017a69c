#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/token_error.h"

namespace pushwire::auth {

// Why access was refused, as /metrics counts it and the log names it. The
// token's own errors come first, in TokenError's order.
enum class Refusal : uint8_t {
  token_too_large,
  token_malformed,
  token_bad_algorithm,
  token_bad_signature,
  token_expired,
  token_not_yet_valid,
  token_wrong_issuer,
  token_wrong_audience,
  token_missing,
  forbidden,          // a valid token that does not grant the channel: 403
  publish_key_wrong,  // without access control: no or a wrong publish key
  auth_ops_exceeded,  // a WebSocket closed after too many failed auth ops
};
inline constexpr size_t kRefusalCount = 12;

inline Refusal refusal_for(TokenError error) { return static_cast<Refusal>(error); }
std::string_view refusal_name(Refusal refusal);

}  // namespace pushwire::auth
