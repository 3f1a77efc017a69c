#pragma once
#include <functional>
#include <memory>
#include <string_view>

#include "http/exchange.h"
#include "transports/context.h"
#include "transports/websocket/websocket_connection.h"
#include "transports/websocket/websocket_dialect.h"

namespace pushwire::transports {

using MakeDialect = std::function<std::unique_ptr<WebSocketDialect>(WebSocketConnection&)>;

// The RFC 6455 handshake, for any dialect: checks the request and its
// Origin, answers 101 (agreeing to permessage-deflate when offered and
// enabled), and turns the exchange's connection into a WebSocketConnection
// that speaks the dialect `make_dialect` gives. An HTTP/2 extended CONNECT
// (RFC 8441) gets the same over its stream. False when the request was
// refused (and answered).
bool accept_websocket(Context& context, http::Exchange& exchange, WebSocketMessageFormats formats,
                      const MakeDialect& make_dialect);

// GET /ws (pushwire's JSON ops) and GET /ws/{channel}[?since=ID] (one channel).
void handle_websocket(Context& context, http::Exchange& exchange, std::string_view channel);

}  // namespace pushwire::transports
