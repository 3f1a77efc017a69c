#include "core/names.h"

namespace pushwire::core {

namespace {
bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == ':' || c == '-';
}

bool all_of(std::string_view s, bool allow_at) {
  for (char c : s)
    if (!is_name_char(c) && !(allow_at && c == '@')) return false;
  return true;
}
}  // namespace

bool is_valid_channel(std::string_view name) {
  return !name.empty() && name.size() <= 128 && all_of(name, true);
}

bool is_valid_event(std::string_view name) {
  return !name.empty() && name.size() <= 64 && all_of(name, false);
}

}  // namespace pushwire::core
