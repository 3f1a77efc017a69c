// Feeds arbitrary bytes, as a client would send them, to a server TlsStream
// (pushwire's BIO and its use of OpenSSL), in two pieces split at a point
// taken from the input's last byte; then seals and finishes like a
// connection does. The certificate is made once, in memory, at start.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "net/out_chunk.h"
#include "tls/server_context.h"

namespace {

using namespace pushwire;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string write_temp(const char* suffix, void (*write)(FILE*, void*), void* what) {
  std::string path = std::string("/tmp/pushwire-fuzz-XXXXXX") + suffix;
  const int fd = ::mkstemps(path.data(), static_cast<int>(std::string_view(suffix).size()));
  check(fd >= 0);
  FILE* file = ::fdopen(fd, "w");
  write(file, what);
  ::fclose(file);
  return path;
}

tls::ServerContext& context() {
  static tls::ServerContext* const made = [] {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    check(X509_sign(cert, key, EVP_sha256()) > 0);
    tls::TlsFiles files;
    files.certificate = write_temp(".crt", [](FILE* f, void* c) { PEM_write_X509(f, static_cast<X509*>(c)); }, cert);
    files.key = write_temp(".key", [](FILE* f, void* k) {
      PEM_write_PrivateKey(f, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0, nullptr, nullptr);
    }, key);
    auto* server = new tls::ServerContext(files, true);
    std::string error;
    check(server->reload(error));
    ::unlink(files.certificate.c_str());
    ::unlink(files.key.c_str());
    X509_free(cert);
    EVP_PKEY_free(key);
    return server;
  }();
  return *made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto stream = context().new_stream();
  check(stream != nullptr);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = size ? data[size - 1] % (size + 1) : 0;
  std::string inner;
  std::string reply;
  bool open = stream->receive(input.substr(0, split), inner, reply);
  if (open) open = stream->receive(input.substr(split), inner, reply);
  check(open || !stream->established() || inner.size() <= size);
  if (open && stream->established()) {
    const net::OutChunk chunks[] = {net::OutChunk::literal("HTTP/1.1 200 OK\r\n"), net::OutChunk::literal("\r\n")};
    std::string wire;
    check(stream->seal(chunks, wire));
    check(!wire.empty());
  }
  std::string notice;
  stream->finish(notice);
  return 0;
}
