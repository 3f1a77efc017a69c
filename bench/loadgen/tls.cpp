#include "tls.h"

#include <openssl/err.h>

#include <stdexcept>

#include "tls/openssl_errors.h"

using pushwire::tls::openssl_errors;

namespace {

SSL_CTX* client_context() {
  static SSL_CTX* const ctx = [] {
    SSL_CTX* made = SSL_CTX_new(TLS_client_method());
    if (!made) throw std::runtime_error("SSL_CTX_new failed");
    SSL_CTX_set_min_proto_version(made, TLS1_2_VERSION);
    SSL_CTX_set_verify(made, SSL_VERIFY_NONE, nullptr);
    // Thousands of mostly idle connections: give record buffers back between reads.
    SSL_CTX_set_mode(made, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                               SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    static constexpr unsigned char kAlpn[] = "\x08http/1.1";
    SSL_CTX_set_alpn_protos(made, kAlpn, sizeof kAlpn - 1);
    return made;
  }();
  return ctx;
}

}  // namespace

TlsClient::TlsClient(int fd) : ssl_(SSL_new(client_context())) {
  if (!ssl_ || SSL_set_fd(ssl_, fd) != 1) {
    SSL_free(ssl_);
    throw std::runtime_error("cannot set up a TLS session: " + openssl_errors());
  }
  SSL_set_connect_state(ssl_);
}

TlsClient::~TlsClient() { SSL_free(ssl_); }

TlsStep TlsClient::handshake(std::string& error) {
  ERR_clear_error();
  return outcome(SSL_do_handshake(ssl_), "TLS handshake", error);
}

TlsStep TlsClient::read(char* out, size_t size, size_t& moved, std::string& error) {
  ERR_clear_error();
  moved = 0;
  return outcome(SSL_read_ex(ssl_, out, size, &moved), "TLS read", error);
}

TlsStep TlsClient::write(const char* data, size_t size, size_t& moved, std::string& error) {
  ERR_clear_error();
  moved = 0;
  return outcome(SSL_write_ex(ssl_, data, size, &moved), "TLS write", error);
}

TlsStep TlsClient::outcome(int result, const char* during, std::string& error) {
  if (result == 1) return TlsStep::kDone;
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
      return TlsStep::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return TlsStep::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      error = "closed by server";
      return TlsStep::kClosed;
    default:
      error = std::string(during) + ": " + openssl_errors("connection ended");
      return TlsStep::kFailed;
  }
}
