#pragma once
#include "http/exchange.h"
#include "transports/context.h"

namespace pushwire::transports {

// --allow-origin where a browser would act for a page of another origin
// without asking first (a publish, a WebSocket handshake): true when the
// request's Origin, if any, is allowed; otherwise answers 403
// origin_not_allowed, counts the refusal and returns false.
bool allow_origin(Context& context, http::Exchange& exchange);

// The iframe relay page posts what it carries to the origin its `origin`
// parameter names, the page that embeds it (postMessage's targetOrigin, so
// that no other page receives it): true when that is an origin
// --allow-origin allows; otherwise answers 403 origin_not_allowed, counts
// the refusal and returns false.
bool allow_relay_origin(Context& context, http::Exchange& exchange);

}  // namespace pushwire::transports
