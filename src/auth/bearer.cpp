#include "auth/bearer.h"

#include <cctype>

namespace pushwire::auth {

std::optional<std::string_view> bearer_credential(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || authorization[kScheme.size()] != ' ') return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return std::nullopt;
  std::string_view credential = authorization.substr(kScheme.size() + 1);
  while (credential.starts_with(' ')) credential.remove_prefix(1);
  while (credential.ends_with(' ')) credential.remove_suffix(1);
  if (credential.empty()) return std::nullopt;
  return credential;
}

}  // namespace pushwire::auth
