#include "tls/client_context.h"

#include <openssl/err.h>

#include "tls/openssl_errors.h"

namespace pushwire::tls {

std::unique_ptr<ClientContext> ClientContext::load(const std::string& ca_file, std::string& error) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    error = openssl_errors();
    return nullptr;
  }
  auto context = std::unique_ptr<ClientContext>(new ClientContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      error = "cannot load the system's CA certificates: " + openssl_errors();
      return nullptr;
    }
  } else if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
    error = "cannot load CA certificates from '" + ca_file + "': " + openssl_errors();
    return nullptr;
  }
  return context;
}

ClientContext::~ClientContext() { SSL_CTX_free(ctx_); }

std::unique_ptr<ClientStream> ClientContext::new_stream(const std::string& host) {
  SSL* ssl = SSL_new(ctx_);
  if (!ssl) return nullptr;
  return ClientStream::wrap(ssl, host);
}

}  // namespace pushwire::tls
