#pragma once
#include <cstdint>
#include <mutex>
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

// Lines a client can cause (a refused request, a protocol error) are limited
// per kind, so that a flood of bad input cannot flood the log: at most
// `set_log_rate` lines a second of each kind; the lines held back are counted
// and reported in one line, with the next line of that kind let through.
void set_log_rate(int lines_per_second);
uint64_t log_lines_suppressed();  // all kinds, since start

class LogLimiter {
 public:
  explicit LogLimiter(std::string_view kind) : kind_(kind) {}
  // Whether a line of this kind may be written now.
  bool allow(LogLevel level);

 private:
  std::string_view kind_;
  std::mutex mutex_;
  int64_t second_ = -1;
  int lines_ = 0;
  uint64_t suppressed_ = 0;
};

template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

}  // namespace pushwire::util

// PW_LOG(info, "client ", addr, " gone"): the parts are only formatted when
// the level is enabled.
// PW_LOG_LIMITED("refused request", info, ...): as PW_LOG, rate-limited by kind.
#define PW_LOG_LIMITED(kind, level, ...)                                                       \
  do {                                                                                         \
    static ::pushwire::util::LogLimiter pw_log_limiter_(kind);                                 \
    if (::pushwire::util::log_enabled(::pushwire::util::LogLevel::level) &&                    \
        pw_log_limiter_.allow(::pushwire::util::LogLevel::level))                              \
      ::pushwire::util::log_line(::pushwire::util::LogLevel::level,                            \
                                 ::pushwire::util::concat(__VA_ARGS__));                       \
  } while (0)

#define PW_LOG(level, ...)                                                    \
  do {                                                                        \
    if (::pushwire::util::log_enabled(::pushwire::util::LogLevel::level))     \
      ::pushwire::util::log_line(::pushwire::util::LogLevel::level,           \
                                 ::pushwire::util::concat(__VA_ARGS__));      \
  } while (0)
