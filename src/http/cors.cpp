#include "http/cors.h"

#include <algorithm>

namespace pushwire::http {

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins) : origins_(std::move(allowed_origins)) {
  any_ = origins_.empty() || std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
}

bool CorsPolicy::allows(const std::string* origin) const {
  if (any_ || !origin) return true;
  return std::find(origins_.begin(), origins_.end(), *origin) != origins_.end();
}

void CorsPolicy::add_response_headers(const Request& request, HeaderList& headers) const {
  if (any_) {
    headers.emplace_back("Access-Control-Allow-Origin", "*");
    return;
  }
  headers.emplace_back("Vary", "Origin");
  const std::string* origin = request.header("origin");
  if (origin && allows(origin)) headers.emplace_back("Access-Control-Allow-Origin", *origin);
}

void CorsPolicy::add_preflight_headers(const Request& request, std::string_view methods, HeaderList& headers) const {
  add_response_headers(request, headers);
  headers.emplace_back("Access-Control-Allow-Methods", std::string(methods));
  const std::string* asked = request.header("access-control-request-headers");
  headers.emplace_back("Access-Control-Allow-Headers",
                       asked ? *asked : std::string("Authorization, Content-Type, Last-Event-ID"));
  headers.emplace_back("Access-Control-Max-Age", "600");
}

}  // namespace pushwire::http
