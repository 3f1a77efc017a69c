#pragma once
#include <string>
#include <vector>

#include "http/request.h"
#include "http/response_head.h"

namespace pushwire::http {

// The --allow-origin policy: "*" allows every origin; otherwise the request's
// Origin is echoed when it is on the list.
class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  bool allows(const std::string* origin) const;
  // Headers for an ordinary response to `request`.
  void add_response_headers(const Request& request, ResponseHead& head) const;
  // Headers for the answer to a preflight OPTIONS request.
  void add_preflight_headers(const Request& request, std::string_view methods, ResponseHead& head) const;

 private:
  bool any_ = false;
  std::vector<std::string> origins_;
};

}  // namespace pushwire::http
