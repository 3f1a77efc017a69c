#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace pushwire::auth {

// A channel name, or a prefix ending in '*' ("chat.*" matches "chat.x"; "*"
// matches every channel).
bool is_valid_channel_pattern(std::string_view pattern);
bool pattern_matches(std::string_view pattern, std::string_view channel);
bool any_pattern_matches(const std::vector<std::string>& patterns, std::string_view channel);

inline constexpr std::string_view kChannelPatternRule =
    "a channel pattern is a channel name, or a prefix of one followed by *";

}  // namespace pushwire::auth
