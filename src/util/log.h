#pragma once
#include <sstream>
#include <string>
#include <string_view>

namespace pushwire::util {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3 };

void set_log_level(LogLevel level);
bool parse_log_level(std::string_view name, LogLevel& out);
bool log_enabled(LogLevel level);

// One line to stderr: "2026-11-21T06:15:39.123Z info  text".
void log_line(LogLevel level, std::string_view text);

template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

}  // namespace pushwire::util

// PW_LOG(info, "client ", addr, " gone"): the parts are only formatted when
// the level is enabled.
#define PW_LOG(level, ...)                                                    \
  do {                                                                        \
    if (::pushwire::util::log_enabled(::pushwire::util::LogLevel::level))     \
      ::pushwire::util::log_line(::pushwire::util::LogLevel::level,           \
                                 ::pushwire::util::concat(__VA_ARGS__));      \
  } while (0)
