#pragma once
#include <openssl/bio.h>

#include <string>
#include <string_view>

namespace pushwire::tls {

// What an OpenSSL BIO made by make_buffer_bio reads from and writes to: the
// bytes of the current read callback and the string the caller sends next.
// Set for the length of one SSL call; between calls a connection's BIO holds
// no memory of its own (a memory BIO would keep its buffers per idle connection).
struct BufferIo {
  std::string_view input;         // consumed from the front as OpenSSL reads
  std::string* output = nullptr;  // what OpenSSL writes is appended here
};

// Points `io` at one SSL call's input and output, and away again after it.
class BufferIoScope {
 public:
  BufferIoScope(BufferIo& io, std::string_view input, std::string* output);
  ~BufferIoScope() { io_ = {}; }
  BufferIoScope(const BufferIoScope&) = delete;
  BufferIoScope& operator=(const BufferIoScope&) = delete;

 private:
  BufferIo& io_;
};

// A BIO over `io`, which must outlive it. Reading with no input left and
// writing without an output string ask OpenSSL to retry, like a socket that
// would block.
BIO* make_buffer_bio(BufferIo* io);

}  // namespace pushwire::tls
