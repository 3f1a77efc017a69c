#pragma once
#include "transports/poll/poll_carrier.h"

namespace pushwire::transports {

// GET /lp?...: the answer is JSON; a poll waits for something to answer.
std::shared_ptr<const PollCarrier> longpoll_carrier(http::Exchange& exchange);
// GET /poll?...: the answer is JSON, at once.
std::shared_ptr<const PollCarrier> poll_carrier(http::Exchange& exchange);

}  // namespace pushwire::transports
