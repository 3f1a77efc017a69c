#include "transports/origin_check.h"

#include <string_view>

namespace pushwire::transports {

namespace {

bool refuse(Context& context, http::Exchange& exchange, std::string message) {
  context.metrics.refused(util::Refusal::origin_not_allowed);
  exchange.respond_error(403, "origin_not_allowed", std::move(message));
  return false;
}

// scheme://host[:port] and nothing more: a value postMessage takes as a
// targetOrigin. "null" (a sandboxed or file: page) is none.
bool is_web_origin(std::string_view origin) {
  const size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return false;
  const std::string_view scheme = origin.substr(0, scheme_end), host = origin.substr(scheme_end + 3);
  if (scheme != "http" && scheme != "https") return false;
  return !host.empty() && host.find_first_of("/?#\\@ \t") == std::string_view::npos;
}

}  // namespace

bool allow_origin(Context& context, http::Exchange& exchange) {
  if (exchange.cors().allows(exchange.request().header("origin"))) return true;
  return refuse(context, exchange, "pages of this origin may not do this (--allow-origin)");
}

bool allow_relay_origin(Context& context, http::Exchange& exchange) {
  const std::string* origin = exchange.request().query_param("origin");
  if (origin && is_web_origin(*origin) && exchange.cors().allows(origin)) return true;
  return refuse(context, exchange, "the relay page relays only to a page of an origin --allow-origin allows, named by ?origin=");
}

}  // namespace pushwire::transports
