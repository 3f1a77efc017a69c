#include "http/request.h"

namespace pushwire::http {

const std::string* Request::header(std::string_view lower_name) const {
  for (const Header& h : headers) {
    if (h.name == lower_name) return &h.value;
  }
  return nullptr;
}

std::string Request::header_list(std::string_view lower_name) const {
  std::string joined;
  for (const Header& h : headers) {
    if (h.name != lower_name || h.value.empty()) continue;
    if (!joined.empty()) joined += ", ";
    joined += h.value;
  }
  return joined;
}

size_t Request::header_count(std::string_view lower_name) const {
  size_t count = 0;
  for (const Header& h : headers) count += h.name == lower_name;
  return count;
}

const std::string* Request::query_param(std::string_view name) const {
  for (const auto& [param_name, value] : query) {
    if (param_name == name) return &value;
  }
  return nullptr;
}

}  // namespace pushwire::http
