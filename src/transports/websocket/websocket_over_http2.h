#pragma once
#include "http/exchange.h"
#include "transports/context.h"
#include "transports/websocket/websocket_connection.h"
#include "transports/websocket/websocket_upgrade.h"

namespace pushwire::transports {

// accept_websocket for an HTTP/2 extended CONNECT with :protocol websocket
// (RFC 8441): checks the version and Origin, answers 200 (agreeing to
// permessage-deflate when offered and enabled), and the stream then carries
// the same WebSocketConnection and dialect as an HTTP/1.1 upgrade. False
// when the request was refused (and answered).
bool accept_websocket_tunnel(Context& context, http::Exchange& exchange, WebSocketMessageFormats formats,
                             const MakeDialect& make_dialect);

}  // namespace pushwire::transports
