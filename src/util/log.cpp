#include "util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace pushwire::util {

namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
std::atomic<int> g_lines_per_second{10};
std::atomic<uint64_t> g_suppressed{0};

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

void set_log_rate(int lines_per_second) { g_lines_per_second.store(lines_per_second); }

uint64_t log_lines_suppressed() { return g_suppressed.load(std::memory_order_relaxed); }

bool LogLimiter::allow(LogLevel level) {
  using namespace std::chrono;
  const int64_t second = duration_cast<seconds>(steady_clock::now().time_since_epoch()).count();
  std::lock_guard lock(mutex_);
  if (second != second_) {
    if (suppressed_ > 0)
      log_line(level, concat(kind_, ": ", suppressed_, " similar lines suppressed (over --log-rate ",
                             g_lines_per_second.load(), " a second)"));
    second_ = second;
    lines_ = 0;
    suppressed_ = 0;
  }
  if (lines_ < g_lines_per_second.load(std::memory_order_relaxed)) {
    ++lines_;
    return true;
  }
  ++suppressed_;
  g_suppressed.fetch_add(1, std::memory_order_relaxed);
  return false;
}

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
