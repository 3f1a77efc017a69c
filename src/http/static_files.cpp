#include "http/static_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "http/embedded_assets.h"
#include "http/exchange.h"
#include "http/file_send.h"
#include "http/static_policy.h"

namespace pushwire::http {

namespace {

// Whether a decoded path may name a file: absolute, no segment starting with
// a dot (which also rules out "." and ".."), no backslash or NUL.
bool is_servable_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos) return false;
  return path.find("/.") == std::string_view::npos;
}

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) ? std::string(resolved) : std::string();
}

// Answers the methods a file allows; true when the caller should send it.
bool allows_method(Exchange& exchange) {
  const std::string& method = exchange.request().method;
  if (method == "OPTIONS") {
    exchange.respond_preflight("GET, HEAD");
    return false;
  }
  if (method != "GET" && method != "HEAD") {
    exchange.respond_error(405, "method_not_allowed", "files answer GET only", {{"Allow", "GET, HEAD, OPTIONS"}});
    return false;
  }
  return true;
}

void not_found(Exchange& exchange, std::string_view path) {
  exchange.respond_error(404, "not_found", "no such endpoint or file: " + std::string(path));
}

}  // namespace

StaticFiles::StaticFiles(std::string directory, uint64_t max_bytes, std::atomic<uint64_t>& refused)
    : max_bytes_(max_bytes), refused_(refused) {
  if (!directory.empty()) {
    // Unresolvable now (removed since the flag was read): kept as given, so that nothing matches it.
    std::string real = real_path(directory);
    if (real.empty()) real = directory;
    directory_ = real.ends_with('/') ? real : real + '/';
    return;
  }
  for (const EmbeddedAsset& asset : embedded_assets())
    embedded_csp_.emplace(asset.path, static_csp(asset.path, asset.path.ends_with(".html") ? asset.bytes : ""));
}

void StaticFiles::serve(Exchange& exchange, std::string_view path) const {
  const std::string file_path = path == "/" ? std::string("/index.html") : std::string(path);
  if (directory_.empty()) serve_embedded(exchange, file_path);
  else serve_from_directory(exchange, file_path);
}

void StaticFiles::serve_embedded(Exchange& exchange, const std::string& path) const {
  for (const EmbeddedAsset& asset : embedded_assets()) {
    if (asset.path != path) continue;
    if (allows_method(exchange))
      exchange.respond(200, content_type_for(path), std::string(asset.bytes),
                       static_file_headers(path, embedded_csp_.at(asset.path)));
    return;
  }
  not_found(exchange, path);
}

std::string StaticFiles::resolve(const std::string& path) const {
  if (!is_servable_path(path)) return {};
  std::string real = real_path(directory_ + path.substr(1));
  if (real.size() <= directory_.size() || !real.starts_with(directory_)) return {};
  // The link-free path may still hold a dot name that a link's name hid.
  if (!is_servable_path(std::string_view(real).substr(directory_.size() - 1))) return {};
  return real;
}

void StaticFiles::serve_from_directory(Exchange& exchange, const std::string& path) const {
  // An operator's files are for the pages of this origin, not for any site's
  // scripts to read (the built-in demo and client are public and keep CORS).
  exchange.without_cors();
  const std::string real = resolve(path);
  if (real.empty()) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    not_found(exchange, path);
    return;
  }
  // O_NOFOLLOW: the canonical path has no link left, so a link put there since is refused.
  const int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat info {};
  if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    if (fd >= 0) ::close(fd);
    not_found(exchange, path);
    return;
  }
  if (static_cast<uint64_t>(info.st_size) > max_bytes_) {
    ::close(fd);
    refused_.fetch_add(1, std::memory_order_relaxed);
    exchange.respond_error(413, "too_large", "the file is larger than --static-max-bytes");
    return;
  }
  if (!allows_method(exchange)) {
    ::close(fd);
    return;
  }
  const auto size = static_cast<uint64_t>(info.st_size);
  // A page's policy names the hashes of its inline scripts, so the page is read before its head.
  if (path.ends_with(".html")) {
    FileSend::read_whole(exchange, fd, size, [path](Exchange& answered, std::string page) {
      HeaderList headers = static_file_headers(path, static_csp(path, page));
      answered.respond(200, content_type_for(path), std::move(page), headers);
    });
    return;
  }
  exchange.start_stream(200, content_type_for(path), static_file_headers(path, static_csp(path)),
                        BodyFraming::content_length, size);
  FileSend::start(exchange, fd, size);
}

}  // namespace pushwire::http
