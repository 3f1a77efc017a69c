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

void CorsPolicy::add_response_headers(const Request& request, ResponseHead& head) const {
  if (any_) {
    head.add("Access-Control-Allow-Origin", "*");
    return;
  }
  head.add("Vary", "Origin");
  const std::string* origin = request.header("origin");
  if (origin && allows(origin)) head.add("Access-Control-Allow-Origin", *origin);
}

void CorsPolicy::add_preflight_headers(const Request& request, std::string_view methods, ResponseHead& head) const {
  add_response_headers(request, head);
  head.add("Access-Control-Allow-Methods", methods);
  const std::string asked = request.header_list("access-control-request-headers");
  head.add("Access-Control-Allow-Headers", asked.empty() ? "Authorization, Content-Type, Last-Event-ID" : asked);
  head.add("Access-Control-Max-Age", "600");
}

}  // namespace pushwire::http
