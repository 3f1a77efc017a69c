#pragma once
#include "http/exchange.h"
#include "transports/context.h"
#include "transports/poll/poll_carrier.h"

namespace pushwire::transports {

// GET /lp, /poll or /jsonp without a channel in the path: a poll session
// (docs/protocol.md, "Poll sessions"), carried by the carrier `make` gives.
//   ?channel=A&channel=B[&since=CURSOR]: opens one on this thread, answered at once;
//   ?session=ID&ack=CURSOR[&timeout=S]: its next poll, on whichever thread owns it;
//   with a token, it renews the session (PollSession::renew) or is refused.
void handle_poll_session(Context& context, http::Exchange& exchange, PollCarrierFactory make);

}  // namespace pushwire::transports
