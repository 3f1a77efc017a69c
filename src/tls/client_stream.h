#pragma once
#include <openssl/ssl.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "net/stream_filter.h"
#include "tls/buffer_bio.h"

namespace pushwire::tls {

// The client side of one TLS connection that pushwire opens (to Redis): the
// sibling of TlsStream, over the same buffer BIO, so the connection's owner
// moves the bytes and OpenSSL never touches the socket. The peer's
// certificate must chain to the context's trusted CAs and name the host.
class ClientStream final : public net::StreamFilter {
 public:
  // Takes ownership of `ssl`, a client of `host` (a DNS name, sent as SNI,
  // or an IP address); nullptr if it could not be set up.
  static std::unique_ptr<ClientStream> wrap(SSL* ssl, const std::string& host);
  ~ClientStream() override;
  ClientStream(const ClientStream&) = delete;
  ClientStream& operator=(const ClientStream&) = delete;

  // Appends the first flight of the handshake (ClientHello) to `wire`.
  bool start(std::string& wire);
  bool receive(std::string_view bytes, std::string& inner, std::string& reply) override;
  bool established() const override { return established_; }
  bool seal(std::span<const net::OutChunk> chunks, std::string& wire) override;
  void finish(std::string& wire) override;
  std::string_view protocol() const override { return {}; }
  // Why the stream stopped, once start, receive or seal returned false.
  const std::string& failure() const { return failure_; }

 private:
  explicit ClientStream(SSL* ssl) : ssl_(ssl) {}
  // Drives the handshake, then reads what has been decrypted into `inner`.
  bool advance(std::string& inner);
  // False unless OpenSSL only waits for more input; says why in failure_.
  bool waits_for_input(int result);

  SSL* ssl_;
  BufferIo io_;
  bool established_ = false;
  std::string failure_;
};

}  // namespace pushwire::tls
