#pragma once
#include <string>
#include <string_view>

namespace pushwire::http {

class Exchange;

// Serves GET / (index.html) and other files, from the embedded assets or,
// with --static DIR, from that directory.
class StaticFiles {
 public:
  explicit StaticFiles(std::string directory);  // empty: the embedded assets
  void serve(Exchange& exchange, std::string_view path) const;

 private:
  bool load(std::string_view path, std::string& bytes) const;
  std::string directory_;
};

std::string_view content_type_for(std::string_view path);

}  // namespace pushwire::http
