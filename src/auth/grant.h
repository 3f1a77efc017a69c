#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace pushwire::auth {

// What a verified token allows, and until when.
struct Grant {
  std::string sub;                     // the client's identity; empty when the token has none
  int64_t expires_at_ms = 0;           // "exp"
  std::vector<std::string> subscribe;  // channel patterns
  std::vector<std::string> publish;
};

}  // namespace pushwire::auth
