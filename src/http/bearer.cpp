#include "http/bearer.h"

#include <algorithm>

namespace pushwire::http {

std::optional<std::string_view> bearer_token(const Request& request) {
  const std::string* authorization = request.header("authorization");
  if (!authorization) return std::nullopt;
  constexpr std::string_view kScheme = "bearer";
  const std::string_view value = *authorization;
  if (value.size() <= kScheme.size() || value[kScheme.size()] != ' ') return std::nullopt;
  const bool scheme_matches = std::equal(kScheme.begin(), kScheme.end(), value.begin(), [](char want, char got) {
    return want == (got >= 'A' && got <= 'Z' ? static_cast<char>(got + 32) : got);
  });
  if (!scheme_matches) return std::nullopt;
  const size_t token_start = value.find_first_not_of(' ', kScheme.size());
  if (token_start == std::string_view::npos) return std::nullopt;
  return value.substr(token_start);
}

}  // namespace pushwire::http
