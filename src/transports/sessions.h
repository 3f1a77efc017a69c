#pragma once
#include <string_view>

#include "http/exchange.h"
#include "transports/context.h"

namespace pushwire::transports {

// POST /session/{id} with a JSON op or an array of them, and
// GET /session/{id}/op?op=...&channel=...[&since=ID][&ref=N][&callback=FN]:
// changes the channels of a session, on whichever thread owns it.
void handle_session(Context& context, http::Exchange& exchange, std::string_view rest);

}  // namespace pushwire::transports
