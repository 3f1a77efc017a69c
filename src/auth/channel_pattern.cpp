#include "auth/channel_pattern.h"

#include "core/names.h"

namespace pushwire::auth {

bool is_valid_channel_pattern(std::string_view pattern) {
  if (pattern == "*") return true;
  if (pattern.ends_with('*')) pattern.remove_suffix(1);
  return core::is_valid_channel(pattern);
}

bool pattern_matches(std::string_view pattern, std::string_view channel) {
  if (pattern.ends_with('*')) return channel.starts_with(pattern.substr(0, pattern.size() - 1));
  return channel == pattern;
}

bool any_pattern_matches(const std::vector<std::string>& patterns, std::string_view channel) {
  for (const auto& pattern : patterns)
    if (pattern_matches(pattern, channel)) return true;
  return false;
}

}  // namespace pushwire::auth
