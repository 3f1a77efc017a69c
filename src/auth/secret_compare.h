#pragma once
#include <string_view>

namespace pushwire::auth {

// Whether `presented` equals `secret`, in time that depends on neither's
// content nor length: both are hashed with SHA-256 first and the digests
// compared with CRYPTO_memcmp.
bool secret_equals(std::string_view presented, std::string_view secret);

}  // namespace pushwire::auth
