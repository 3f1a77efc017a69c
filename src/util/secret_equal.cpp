#include "util/secret_equal.h"

#include <openssl/crypto.h>

namespace pushwire::util {

bool secret_equal(std::string_view presented, std::string_view expected) {
  if (presented.size() != expected.size()) return false;
  return CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

}  // namespace pushwire::util
