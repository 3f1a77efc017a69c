#include "transports/websocket/websocket_over_http2.h"

#include "util/log.h"
#include "ws/handshake.h"
#include "ws/permessage_deflate.h"

namespace pushwire::transports {

bool accept_websocket_tunnel(Context& context, http::Exchange& exchange, WebSocketMessageFormats formats,
                             const MakeDialect& make_dialect) {
  const http::Request& request = exchange.request();
  if (request.protocol != "websocket") {
    exchange.respond_error(400, "bad_upgrade", "CONNECT here needs :protocol websocket (RFC 8441)");
    return false;
  }
  const std::string* version = request.header("sec-websocket-version");
  if (!version || *version != ws::kSupportedVersion) {
    exchange.respond_error(426, "bad_upgrade", "only WebSocket version 13 is supported",
                           {{"Sec-WebSocket-Version", std::string(ws::kSupportedVersion)}});
    return false;
  }
  if (!exchange.cors().allows(request.header("origin"))) {
    exchange.respond_error(403, "origin_not_allowed", "this origin is not in --allow-origin");
    return false;
  }
  http::HeaderList headers;
  std::optional<ws::DeflateParams> deflate;
  if (context.settings.ws_deflate) {
    if (auto agreement = ws::negotiate_deflate(request.header_list("sec-websocket-extensions"))) {
      deflate = agreement->params;
      headers.emplace_back("Sec-WebSocket-Extensions", agreement->response);
    }
  }
  net::ByteStream* stream = exchange.open_tunnel(headers);
  if (!stream) {
    exchange.respond_error(400, "bad_upgrade", "this connection cannot carry a WebSocket by CONNECT");
    return false;
  }
  auto websocket = std::make_unique<WebSocketConnection>(context, *stream, deflate, formats);
  // The dialect may subscribe, which reads the request's since: before the request goes away.
  websocket->set_dialect(make_dialect(*websocket));
  PW_LOG(debug, stream->peer(), " websocket open over HTTP/2", deflate ? " (deflate)" : "");
  exchange.upgrade(std::move(websocket));
  return true;
}

}  // namespace pushwire::transports
