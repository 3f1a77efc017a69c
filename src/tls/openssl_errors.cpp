#include "tls/openssl_errors.h"

#include <openssl/err.h>

namespace pushwire::tls {

std::string openssl_errors(std::string_view if_none) {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    if (!text.empty()) text += "; ";
    text += line;
  }
  return text.empty() ? std::string(if_none) : text;
}

}  // namespace pushwire::tls
