#pragma once
#include <openssl/ssl.h>

#include <memory>
#include <mutex>
#include <string>

#include "net/stream_filter.h"

namespace pushwire::tls {

struct TlsFiles {
  std::string certificate;  // PEM: the server's certificate, then its chain
  std::string key;          // PEM private key
};

// The server's TLS settings and certificate, shared by every thread. New
// connections take the pair loaded last; reload() swaps it without
// disturbing connections already open, and keeps it when the files are bad.
class ServerContext {
 public:
  ServerContext(TlsFiles files, bool offer_http2);
  ~ServerContext();
  ServerContext(const ServerContext&) = delete;
  ServerContext& operator=(const ServerContext&) = delete;

  // (Re)reads the files; false with `error` set when they do not load, and
  // then the pair in use stays.
  bool reload(std::string& error);
  // A stream for a newly accepted connection; nullptr if OpenSSL could not make one.
  std::unique_ptr<net::StreamFilter> new_stream();

 private:
  const TlsFiles files_;
  const bool offer_http2_;
  std::mutex mutex_;
  SSL_CTX* current_ = nullptr;  // under mutex_; each SSL holds its own reference
};

}  // namespace pushwire::tls
