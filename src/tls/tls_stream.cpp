#include "tls/tls_stream.h"

#include <atomic>

#include "tls/openssl_errors.h"
#include "util/log.h"

namespace pushwire::tls {

namespace {
std::atomic<uint64_t> g_handshake_failures{0};
}  // namespace

std::unique_ptr<TlsStream> TlsStream::wrap(SSL* ssl) {
  auto stream = std::unique_ptr<TlsStream>(new TlsStream(ssl));
  BIO* bio = make_buffer_bio(&stream->io_);
  if (!bio) return nullptr;
  SSL_set_bio(ssl, bio, bio);  // the SSL owns it (one reference for both directions)
  SSL_set_accept_state(ssl);
  return stream;
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

uint64_t TlsStream::handshake_failures() { return g_handshake_failures.load(std::memory_order_relaxed); }

bool TlsStream::receive(std::string_view bytes, std::string& inner, std::string& reply) {
  if (failed_) return false;
  BufferIoScope scope(io_, bytes, &reply);
  if (!established_) {
    const int result = SSL_do_handshake(ssl_);
    if (result != 1) return waits_for_input(result, "handshake");
    established_ = true;
  }
  // Records already decrypted but not read stay in OpenSSL, so read until it asks for more.
  char buffer[16 * 1024];
  for (;;) {
    size_t read = 0;
    const int result = SSL_read_ex(ssl_, buffer, sizeof buffer, &read);
    if (result != 1) return waits_for_input(result, "read");
    inner.append(buffer, read);
  }
}

bool TlsStream::waits_for_input(int result, std::string_view during) {
  const int error = SSL_get_error(ssl_, result);
  if (error == SSL_ERROR_WANT_READ) return true;
  failed_ = error != SSL_ERROR_ZERO_RETURN;  // a close_notify ends the stream cleanly
  if (!established_) g_handshake_failures.fetch_add(1, std::memory_order_relaxed);
  if (failed_) PW_LOG(debug, "TLS ", during, " failed: ", openssl_errors("connection ended"));
  return false;
}

bool TlsStream::seal(std::span<const net::OutChunk> chunks, std::string& wire) {
  if (failed_) return false;
  std::string_view plain(chunks[0].data, chunks[0].size);
  thread_local std::string gathered;
  if (chunks.size() > 1) {
    gathered.clear();
    for (const net::OutChunk& chunk : chunks) gathered.append(chunk.data, chunk.size);
    plain = gathered;
  }
  BufferIoScope scope(io_, {}, &wire);
  size_t written = 0;
  return SSL_write_ex(ssl_, plain.data(), plain.size(), &written) == 1 && written == plain.size();
}

void TlsStream::finish(std::string& wire) {
  if (!established_ || failed_) return;
  BufferIoScope scope(io_, {}, &wire);
  SSL_shutdown(ssl_);
}

std::string_view TlsStream::protocol() const {
  const unsigned char* name = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl_, &name, &length);
  return {reinterpret_cast<const char*>(name), length};
}

}  // namespace pushwire::tls
