#include "transports/origin_check.h"

namespace pushwire::transports {

bool allow_origin(Context& context, http::Exchange& exchange) {
  if (exchange.cors().allows(exchange.request().header("origin"))) return true;
  context.metrics.refused(util::Refusal::origin_not_allowed);
  exchange.respond_error(403, "origin_not_allowed", "pages of this origin may not do this (--allow-origin)");
  return false;
}

}  // namespace pushwire::transports
