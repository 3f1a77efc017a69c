#pragma once
#include "transports/poll/poll_carrier.h"

namespace pushwire::transports {

// GET /jsonp?...&callback=FN: long-poll as a script, `FN(ANSWER);`. A
// script tag runs only what comes with 200, so refusals come as
// `FN({"error":CODE,"message":...});` with 200 too.
std::shared_ptr<const PollCarrier> jsonp_carrier(http::Exchange& exchange);

}  // namespace pushwire::transports
