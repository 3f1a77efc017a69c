#include "http/request.h"

namespace pushwire::http {

const std::string* Request::header(std::string_view lower_name) const {
  for (const Header& h : headers) {
    if (h.name == lower_name) return &h.value;
  }
  return nullptr;
}

const std::string* Request::query_param(std::string_view name) const {
  for (const auto& [param_name, value] : query) {
    if (param_name == name) return &value;
  }
  return nullptr;
}

}  // namespace pushwire::http
