#include "tls/client_stream.h"

#include <arpa/inet.h>
#include <openssl/x509v3.h>

#include "tls/openssl_errors.h"

namespace pushwire::tls {

namespace {
bool is_ip_address(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}
}  // namespace

std::unique_ptr<ClientStream> ClientStream::wrap(SSL* ssl, const std::string& host) {
  auto stream = std::unique_ptr<ClientStream>(new ClientStream(ssl));
  BIO* bio = make_buffer_bio(&stream->io_);
  if (!bio) return nullptr;
  SSL_set_bio(ssl, bio, bio);
  SSL_set_connect_state(ssl);
  // An IP address is checked against the certificate's IP entries and not
  // sent as SNI (RFC 6066 allows names only); a name is both.
  const bool named = is_ip_address(host)
                         ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1
                         : SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
  if (!named) return nullptr;
  return stream;
}

ClientStream::~ClientStream() { SSL_free(ssl_); }

bool ClientStream::start(std::string& wire) {
  std::string inner;
  BufferIoScope scope(io_, {}, &wire);
  return advance(inner);
}

bool ClientStream::receive(std::string_view bytes, std::string& inner, std::string& reply) {
  BufferIoScope scope(io_, bytes, &reply);
  return advance(inner);
}

bool ClientStream::advance(std::string& inner) {
  if (!failure_.empty()) return false;
  if (!established_) {
    const int result = SSL_do_handshake(ssl_);
    if (result != 1) return waits_for_input(result);
    established_ = true;
  }
  char buffer[16 * 1024];
  for (;;) {
    size_t read = 0;
    const int result = SSL_read_ex(ssl_, buffer, sizeof buffer, &read);
    if (result != 1) return waits_for_input(result);
    inner.append(buffer, read);
  }
}

bool ClientStream::waits_for_input(int result) {
  const int error = SSL_get_error(ssl_, result);
  if (error == SSL_ERROR_WANT_READ) return true;
  if (error == SSL_ERROR_ZERO_RETURN) {
    failure_ = "the server closed the TLS connection";
  } else if (!established_ && SSL_get_verify_result(ssl_) != X509_V_OK) {
    failure_ = std::string("the server's certificate is not trusted: ") +
               X509_verify_cert_error_string(SSL_get_verify_result(ssl_));
  } else {
    failure_ = std::string(established_ ? "TLS failed: " : "the TLS handshake failed: ") + openssl_errors();
  }
  return false;
}

bool ClientStream::seal(std::span<const net::OutChunk> chunks, std::string& wire) {
  if (!failure_.empty()) return false;
  BufferIoScope scope(io_, {}, &wire);
  for (const net::OutChunk& chunk : chunks) {
    size_t written = 0;
    if (SSL_write_ex(ssl_, chunk.data, chunk.size, &written) != 1 || written != chunk.size) {
      failure_ = "TLS failed: " + openssl_errors();
      return false;
    }
  }
  return true;
}

void ClientStream::finish(std::string& wire) {
  if (!established_ || !failure_.empty()) return;
  BufferIoScope scope(io_, {}, &wire);
  SSL_shutdown(ssl_);
}

}  // namespace pushwire::tls
