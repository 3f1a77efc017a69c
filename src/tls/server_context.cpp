#include "tls/server_context.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include "tls/openssl_errors.h"
#include "tls/tls_stream.h"

namespace pushwire::tls {

namespace {
// ALPN names in wire format (length-prefixed), in the server's order of preference.
constexpr unsigned char kH2AndHttp11[] = "\x02h2\x08http/1.1";
constexpr unsigned char kHttp11Only[] = "\x08http/1.1";

// TLS 1.2 suites with forward secrecy and AEAD only (TLS 1.3's are all of that).
constexpr const char* kTls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20";

int select_protocol(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* offered,
                    unsigned int offered_length, void* ours) {
  const auto* list = static_cast<const unsigned char*>(ours);
  const unsigned int list_length = list == kH2AndHttp11 ? sizeof kH2AndHttp11 - 1 : sizeof kHttp11Only - 1;
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, out_length, list, list_length, offered, offered_length) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;  // nothing in common: go on without ALPN, as HTTP/1.1
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

SSL_CTX* make_context(const TlsFiles& files, bool offer_http2, std::string& error) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) {
    error = openssl_errors();
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(ctx, kTls12Ciphers);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // An idle connection gives its record buffers back (most push connections are idle).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  // Resumption: the server's session cache and (by default) session tickets.
  static constexpr unsigned char kSessionContext[] = "pushwire";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_alpn_select_cb(ctx, select_protocol,
                             const_cast<unsigned char*>(offer_http2 ? kH2AndHttp11 : kHttp11Only));
  if (SSL_CTX_use_certificate_chain_file(ctx, files.certificate.c_str()) != 1) {
    error = "cannot load the certificate from '" + files.certificate + "': " + openssl_errors();
  } else if (SSL_CTX_use_PrivateKey_file(ctx, files.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
             SSL_CTX_check_private_key(ctx) != 1) {
    error = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH
                ? "the key in '" + files.key + "' does not belong to the certificate in '" + files.certificate + "'"
                : "cannot load the private key from '" + files.key + "': " + openssl_errors();
  } else {
    return ctx;
  }
  SSL_CTX_free(ctx);
  return nullptr;
}
}  // namespace

ServerContext::ServerContext(TlsFiles files, bool offer_http2)
    : files_(std::move(files)), offer_http2_(offer_http2) {}

ServerContext::~ServerContext() { SSL_CTX_free(current_); }

bool ServerContext::reload(std::string& error) {
  SSL_CTX* fresh = make_context(files_, offer_http2_, error);
  if (!fresh) return false;
  std::lock_guard lock(mutex_);
  SSL_CTX_free(current_);
  current_ = fresh;
  return true;
}

std::unique_ptr<net::StreamFilter> ServerContext::new_stream() {
  SSL* ssl;
  {
    std::lock_guard lock(mutex_);
    ssl = current_ ? SSL_new(current_) : nullptr;
  }
  if (!ssl) return nullptr;
  return TlsStream::wrap(ssl);
}

}  // namespace pushwire::tls
