#include "auth/refusal.h"

#include <array>

namespace pushwire::auth {

namespace {
constexpr std::array<std::string_view, kRefusalCount> kNames = {
    "token_too_large",   "token_malformed",   "token_bad_algorithm", "token_bad_signature",
    "token_expired",     "token_not_yet_valid", "token_wrong_issuer", "token_wrong_audience",
    "token_missing",     "forbidden",         "publish_key_wrong",   "auth_ops_exceeded",
};
static_assert(static_cast<size_t>(Refusal::auth_ops_exceeded) + 1 == kRefusalCount);
static_assert(static_cast<size_t>(TokenError::wrong_audience) == static_cast<size_t>(Refusal::token_wrong_audience));
}  // namespace

std::string_view refusal_name(Refusal refusal) { return kNames[static_cast<size_t>(refusal)]; }

}  // namespace pushwire::auth
