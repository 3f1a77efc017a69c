#pragma once
#include <string_view>
#include <vector>

namespace pushwire::http {

// The demo page and the browser client, compiled into the binary from
// build/web by cmake/embed_assets.cmake.
struct EmbeddedAsset {
  std::string_view path;  // "/pushwire.js"
  std::string_view bytes;
};

const std::vector<EmbeddedAsset>& embedded_assets();

}  // namespace pushwire::http
