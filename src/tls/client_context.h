#pragma once
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "tls/client_stream.h"

namespace pushwire::tls {

// What pushwire's TLS client connections trust: the CA certificates of one
// PEM file, or the system's (OpenSSL's default paths; Debian's
// ca-certificates). TLS 1.2 or newer, and the peer is always verified.
class ClientContext {
 public:
  // nullptr, with `error` saying why, when the CA certificates do not load.
  static std::unique_ptr<ClientContext> load(const std::string& ca_file, std::string& error);
  ~ClientContext();
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  // A stream for a new connection to `host`; nullptr if OpenSSL could not make one.
  std::unique_ptr<ClientStream> new_stream(const std::string& host);

 private:
  explicit ClientContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

}  // namespace pushwire::tls
