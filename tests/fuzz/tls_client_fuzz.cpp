// Feeds arbitrary bytes, as a Redis server over TLS would answer them, to a
// client ClientStream after its ClientHello, in two pieces split at a point
// taken from the input's last byte: it must refuse or wait, never crash, and
// a stream that failed must say why.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tls/client_context.h"

namespace {

using namespace pushwire;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

tls::ClientContext& context() {
  static tls::ClientContext* const made = [] {
    std::string error;
    auto loaded = tls::ClientContext::load("", error);
    check(loaded != nullptr);
    return loaded.release();
  }();
  return *made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto stream = context().new_stream("redis.example.com");
  check(stream != nullptr);
  std::string hello;
  check(stream->start(hello));
  check(!hello.empty());
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = size ? data[size - 1] % (size + 1) : 0;
  std::string inner;
  std::string reply;
  bool open = stream->receive(input.substr(0, split), inner, reply);
  if (open) open = stream->receive(input.substr(split), inner, reply);
  check(open || !stream->failure().empty());
  // No certificate here chains to a trusted CA: nothing can be decrypted.
  check(!stream->established() && inner.empty());
  std::string notice;
  stream->finish(notice);
  return 0;
}
