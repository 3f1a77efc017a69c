// Reads arbitrary bytes as a --config TOML file: every input is either taken
// (and then gives options within their documented ranges) or refused with a
// message, never a crash or an exception.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/options.h"

using pushwire::app::ParseResult;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      std::filesystem::temp_directory_path() / ("pushwire-config-fuzz-" + std::to_string(getpid()) + ".toml");
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), size);
  const char* argv[] = {"pushwire", "--config", path.c_str()};
  const ParseResult result = pushwire::app::parse_options(3, argv);
  if (result.action == ParseResult::Action::error && result.message.empty()) __builtin_trap();
  if (result.action == ParseResult::Action::run) {
    const auto& o = result.options;
    if (o.threads == 0 || o.max_message_bytes == 0 || o.log_rate < 1 || !(o.heartbeat_s > 0)) __builtin_trap();
  }
  return 0;
}
