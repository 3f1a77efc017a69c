#include "http/router.h"

#include "http/exchange.h"

namespace pushwire::http {

bool Router::Route::allows(std::string_view method) const {
  size_t pos = 0;
  while (pos < methods.size()) {
    size_t end = methods.find(',', pos);
    if (end == std::string::npos) end = methods.size();
    std::string_view name(methods.data() + pos, end - pos);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    if (name == method) return true;
    pos = end + 1;
  }
  return false;
}

void Router::add(std::string path, std::string methods, Handler handle) {
  routes_.push_back({std::move(path), std::move(methods), std::move(handle)});
}

const Router::Route* Router::match(std::string_view path, std::string_view& rest) const {
  const Route* best = nullptr;
  for (const Route& route : routes_) {
    const bool prefix = route.path.size() > 1 && route.path.back() == '/';
    if (prefix ? path.starts_with(route.path) : path == route.path) {
      if (!best || route.path.size() > best->path.size()) best = &route;
    }
  }
  if (best) rest = path.substr(best->path.back() == '/' && best->path.size() > 1 ? best->path.size() : path.size());
  return best;
}

void Router::dispatch(Exchange& exchange) const {
  const Request& req = exchange.request();
  std::string_view rest;
  const Route* route = match(req.path, rest);
  if (req.method == "OPTIONS" && route) {
    exchange.respond_preflight(route->methods);
  } else if (req.method == "OPTIONS" && req.path == "*") {
    exchange.respond_preflight("GET, POST");
  } else if (!route) {
    fallback_(exchange, req.path);
  } else if (!route->allows(req.method)) {
    exchange.respond_error(405, "method_not_allowed", req.method + " is not allowed here; use " + route->methods,
                           {{"Allow", route->methods + ", OPTIONS"}});
  } else {
    route->handle(exchange, rest);
  }
}

}  // namespace pushwire::http
