#pragma once
#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "net/stream_filter.h"
#include "tls/buffer_bio.h"

namespace pushwire::tls {

// The server side of one TLS connection. OpenSSL never touches the socket:
// the Connection hands it what it read and sends what it makes, so the
// handshake runs on the event loop without blocking, and the handler's
// output of a whole flush is encrypted by one SSL_write.
class TlsStream final : public net::StreamFilter {
 public:
  // Takes ownership of `ssl`; nullptr if it could not be set up.
  static std::unique_ptr<TlsStream> wrap(SSL* ssl);
  ~TlsStream() override;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  bool receive(std::string_view bytes, std::string& inner, std::string& reply) override;
  bool established() const override { return established_; }
  bool seal(std::span<const net::OutChunk> chunks, std::string& wire) override;
  void finish(std::string& wire) override;
  std::string_view protocol() const override;

  // Handshakes that failed, all threads (for /metrics).
  static uint64_t handshake_failures();

 private:
  explicit TlsStream(SSL* ssl) : ssl_(ssl) {}
  // False unless OpenSSL only waits for more input; logs why it stopped.
  bool waits_for_input(int result, std::string_view during);

  SSL* ssl_;
  BufferIo io_;
  bool established_ = false;
  bool failed_ = false;
};

}  // namespace pushwire::tls
