#include "auth/secret_compare.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace pushwire::auth {

bool secret_equals(std::string_view presented, std::string_view secret) {
  unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(presented.data()), presented.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

}  // namespace pushwire::auth
