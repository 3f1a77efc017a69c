#include "tls/buffer_bio.h"

#include <openssl/err.h>

#include <algorithm>

namespace pushwire::tls {

namespace {

BufferIo& io_of(BIO* bio) { return *static_cast<BufferIo*>(BIO_get_data(bio)); }

int read_ex(BIO* bio, char* out, size_t size, size_t* read) {
  BufferIo& io = io_of(bio);
  BIO_clear_retry_flags(bio);
  if (io.input.empty()) {
    BIO_set_retry_read(bio);
    return 0;
  }
  const size_t n = std::min(size, io.input.size());
  std::copy_n(io.input.data(), n, out);
  io.input.remove_prefix(n);
  *read = n;
  return 1;
}

int write_ex(BIO* bio, const char* data, size_t size, size_t* written) {
  BufferIo& io = io_of(bio);
  BIO_clear_retry_flags(bio);
  if (!io.output) {
    BIO_set_retry_write(bio);
    return 0;
  }
  io.output->append(data, size);
  *written = size;
  return 1;
}

long ctrl(BIO*, int command, long, void*) {
  // OpenSSL flushes after each flight; everything written is already handed over.
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* method() {
  static BIO_METHOD* const made = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "pushwire buffer");
    BIO_meth_set_read_ex(m, read_ex);
    BIO_meth_set_write_ex(m, write_ex);
    BIO_meth_set_ctrl(m, ctrl);
    BIO_meth_set_create(m, create);
    return m;
  }();
  return made;
}

}  // namespace

BufferIoScope::BufferIoScope(BufferIo& io, std::string_view input, std::string* output) : io_(io) {
  io_.input = input;
  io_.output = output;
  ERR_clear_error();  // OpenSSL's error queue is per thread: start clean
}

BIO* make_buffer_bio(BufferIo* io) {
  BIO* bio = BIO_new(method());
  if (bio) BIO_set_data(bio, io);
  return bio;
}

}  // namespace pushwire::tls
