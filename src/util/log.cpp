#include "util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace pushwire::util {

namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::info)};

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warn: return "warn ";
    case LogLevel::info: return "info ";
    case LogLevel::debug: return "debug";
  }
  return "?";
}
}  // namespace

void set_log_level(LogLevel level) { g_level.store(static_cast<int>(level)); }

bool parse_log_level(std::string_view name, LogLevel& out) {
  if (name == "error") out = LogLevel::error;
  else if (name == "warn") out = LogLevel::warn;
  else if (name == "info") out = LogLevel::info;
  else if (name == "debug") out = LogLevel::debug;
  else return false;
  return true;
}

bool log_enabled(LogLevel level) { return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed); }

void log_line(LogLevel level, std::string_view text) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const int millis = static_cast<int>(duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  // One fprintf per line keeps lines from different threads whole.
  std::fprintf(stderr, "%s.%03dZ %s %.*s\n", stamp, millis, level_name(level), static_cast<int>(text.size()),
               text.data());
}

}  // namespace pushwire::util
