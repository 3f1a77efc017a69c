#pragma once
#include <string_view>

#include "http/exchange.h"
#include "transports/context.h"

namespace pushwire::transports {

// GET /ws and GET /ws/{channel}[?since=ID]: the RFC 6455 handshake, then the
// connection becomes a WebSocketSession.
void handle_websocket(Context& context, http::Exchange& exchange, std::string_view channel);

}  // namespace pushwire::transports
