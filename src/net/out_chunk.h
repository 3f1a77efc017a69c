#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace pushwire::net {

// Bytes queued for a socket, kept alive by `owner` until written. Fan-out
// queues the same chunk (a message's encoded bytes, owned by the message) on
// every subscriber's connection without copying it.
struct OutChunk {
  std::shared_ptr<const void> owner;
  const char* data = nullptr;
  size_t size = 0;

  static OutChunk take(std::string bytes) {
    auto owned = std::make_shared<const std::string>(std::move(bytes));
    return {owned, owned->data(), owned->size()};
  }
  // Bytes inside an object that `owner` keeps alive (e.g. a Message's encoding).
  template <typename T>
  static OutChunk view(std::shared_ptr<T> owner, std::string_view bytes) {
    return {std::shared_ptr<const void>(std::move(owner)), bytes.data(), bytes.size()};
  }
  static OutChunk literal(std::string_view bytes) { return {nullptr, bytes.data(), bytes.size()}; }
};

}  // namespace pushwire::net
