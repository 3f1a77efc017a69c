#pragma once
#include <string_view>

namespace pushwire::core {

// [A-Za-z0-9_.:@-]{1,128}
bool is_valid_channel(std::string_view name);

// [A-Za-z0-9_.:-]{1,64}; names beginning with '_' are the server's own.
bool is_valid_event(std::string_view name);
inline bool is_control_event(std::string_view name) { return !name.empty() && name.front() == '_'; }

inline constexpr std::string_view kDefaultEvent = "message";

// What error messages tell a user about the rules above.
inline constexpr std::string_view kChannelRule = "a channel name is 1 to 128 of A-Z a-z 0-9 _ . : @ -";
inline constexpr std::string_view kEventRule = "an event name is 1 to 64 of A-Z a-z 0-9 _ . : -";

}  // namespace pushwire::core
