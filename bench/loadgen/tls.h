// TLS on a load generator connection: OpenSSL straight on the non-blocking
// socket. The server's certificate is not verified (the benchmark's server
// uses a throwaway self-signed one) and ALPN offers only http/1.1, so an
// HTTP/2 server answers in HTTP/1.1 as it would to a client that cannot
// speak h2.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <string>

// What one non-blocking TLS call came to.
enum class TlsStep { kDone, kWantRead, kWantWrite, kClosed, kFailed };

class TlsClient {
 public:
  // Throws std::runtime_error when OpenSSL cannot make a session.
  explicit TlsClient(int fd);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  TlsStep handshake(std::string& error);
  // kDone with `moved` bytes read or written; otherwise nothing moved.
  TlsStep read(char* out, size_t size, size_t& moved, std::string& error);
  TlsStep write(const char* data, size_t size, size_t& moved, std::string& error);

 private:
  TlsStep outcome(int result, const char* during, std::string& error);

  SSL* ssl_;
};
