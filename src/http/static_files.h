#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pushwire::http {

class Exchange;

// Serves GET / (index.html) and other files, from the embedded assets or,
// with --static DIR, from that directory: only files whose real path lies in
// DIR (a link out of it is refused) and no name starting with a dot (.git,
// .env), at most `max_bytes` each, streamed, and without CORS headers.
class StaticFiles {
 public:
  // `directory` empty: the embedded assets. `refused` counts what --static refuses.
  StaticFiles(std::string directory, uint64_t max_bytes, std::atomic<uint64_t>& refused);
  void serve(Exchange& exchange, std::string_view path) const;

 private:
  void serve_embedded(Exchange& exchange, const std::string& path) const;
  void serve_from_directory(Exchange& exchange, const std::string& path) const;
  // The real path of DIR + path when it is a file inside DIR, or "".
  std::string resolve(const std::string& path) const;

  std::string directory_;  // canonical, with a trailing slash; empty: the embedded assets
  uint64_t max_bytes_;
  std::atomic<uint64_t>& refused_;
  std::unordered_map<std::string_view, std::string> embedded_csp_;  // by path
};

}  // namespace pushwire::http
