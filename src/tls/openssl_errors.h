#pragma once
#include <string>

namespace pushwire::tls {

// The errors OpenSSL queued on this thread, oldest first and "; "-separated,
// taken off the queue; "unknown OpenSSL error" if there are none.
std::string openssl_errors();

}  // namespace pushwire::tls
