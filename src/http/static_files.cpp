#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/embedded_assets.h"
#include "http/exchange.h"

namespace pushwire::http {

namespace {
bool ends_with(std::string_view s, std::string_view suffix) { return s.ends_with(suffix); }

bool is_safe_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  return path.find("/..") == std::string_view::npos && path.find('\\') == std::string_view::npos &&
         path.find('\0') == std::string_view::npos;
}
}  // namespace

std::string_view content_type_for(std::string_view path) {
  if (ends_with(path, ".html")) return "text/html; charset=utf-8";
  if (ends_with(path, ".js") || ends_with(path, ".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(path, ".css")) return "text/css; charset=utf-8";
  if (ends_with(path, ".svg")) return "image/svg+xml";
  if (ends_with(path, ".png")) return "image/png";
  if (ends_with(path, ".json")) return "application/json";
  if (ends_with(path, ".map")) return "application/json";
  if (ends_with(path, ".ico")) return "image/x-icon";
  if (ends_with(path, ".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::string directory) : directory_(std::move(directory)) {}

bool StaticFiles::load(std::string_view path, std::string& bytes) const {
  if (directory_.empty()) {
    for (const EmbeddedAsset& asset : embedded_assets()) {
      if (asset.path == path) {
        bytes = asset.bytes;
        return true;
      }
    }
    return false;
  }
  if (!is_safe_path(path)) return false;
  std::error_code error;
  if (!std::filesystem::is_regular_file(directory_ + std::string(path), error)) return false;
  std::ifstream file(directory_ + std::string(path), std::ios::binary);
  if (!file) return false;
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) return false;
  bytes = std::move(content).str();
  return true;
}

void StaticFiles::serve(Exchange& exchange, std::string_view path) const {
  const std::string file_path = path == "/" ? std::string("/index.html") : std::string(path);
  std::string bytes;
  if (!load(file_path, bytes)) {
    exchange.respond_error(404, "not_found", "no such endpoint or file: " + std::string(path));
    return;
  }
  const std::string& method = exchange.request().method;
  if (method == "OPTIONS") {
    exchange.respond_preflight("GET, HEAD");
    return;
  }
  if (method != "GET" && method != "HEAD") {
    exchange.respond_error(405, "method_not_allowed", "files answer GET only", {{"Allow", "GET, HEAD, OPTIONS"}});
    return;
  }
  exchange.respond(200, content_type_for(file_path), std::move(bytes), {{"Cache-Control", "no-cache"}});
}

}  // namespace pushwire::http
