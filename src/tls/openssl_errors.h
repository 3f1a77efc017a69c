#pragma once
#include <string>
#include <string_view>

namespace pushwire::tls {

// The errors OpenSSL queued on this thread, oldest first and "; "-separated,
// taken off the queue; `if_none` if there are none (a failure with an empty
// queue is the peer's TCP connection ending without a TLS close_notify).
std::string openssl_errors(std::string_view if_none = "unknown OpenSSL error");

}  // namespace pushwire::tls
