#include "http/static_policy.h"

#include <openssl/evp.h>

#include <array>

namespace pushwire::http {

namespace {

constexpr std::string_view kUnknownType = "application/octet-stream";

std::string sha256_base64(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned digest_size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &digest_size, EVP_sha256(), nullptr);
  std::string out(4 * ((digest_size + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest.data(), static_cast<int>(digest_size));
  return out;
}

// " 'sha256-...'" for each <script> element with content in `html`.
std::string inline_script_hashes(std::string_view html) {
  std::string sources;
  for (size_t at = html.find("<script"); at != std::string_view::npos; at = html.find("<script", at)) {
    const size_t open_end = html.find('>', at);
    if (open_end == std::string_view::npos) break;
    const size_t close = html.find("</script>", open_end);
    if (close == std::string_view::npos) break;
    const std::string_view content = html.substr(open_end + 1, close - open_end - 1);
    if (!content.empty()) sources += " 'sha256-" + sha256_base64(content) + "'";
    at = close;
  }
  return sources;
}

}  // namespace

std::string_view content_type_for(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js") || path.ends_with(".mjs")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  if (path.ends_with(".png")) return "image/png";
  if (path.ends_with(".json") || path.ends_with(".map")) return "application/json";
  if (path.ends_with(".ico")) return "image/x-icon";
  if (path.ends_with(".txt")) return "text/plain; charset=utf-8";
  return kUnknownType;
}

std::string static_csp(std::string_view path, std::string_view html) {
  std::string csp = "default-src 'self'; script-src 'self'" + inline_script_hashes(html) +
                    "; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'";
  if (path.ends_with(".svg")) csp += "; sandbox";
  return csp;
}

HeaderList static_file_headers(std::string_view path, std::string csp) {
  HeaderList headers{{"Cache-Control", "no-cache"}, {"Content-Security-Policy", std::move(csp)}};
  if (content_type_for(path) == kUnknownType) headers.emplace_back("Content-Disposition", "attachment");
  return headers;
}

}  // namespace pushwire::http
