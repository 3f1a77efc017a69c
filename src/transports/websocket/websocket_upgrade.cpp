#include "transports/websocket/websocket_upgrade.h"

#include "transports/access_check.h"
#include "transports/origin_check.h"
#include "transports/request_args.h"
#include "transports/websocket/websocket_channel_dialect.h"
#include "transports/websocket/websocket_ops_dialect.h"
#include "transports/websocket/websocket_over_http2.h"
#include "util/clock.h"
#include "util/log.h"
#include "ws/handshake.h"

namespace pushwire::transports {

namespace {
std::string_view header_or_empty(const http::Request& request, std::string_view name) {
  const std::string* value = request.header(name);
  return value ? std::string_view(*value) : std::string_view();
}

}  // namespace

bool accept_websocket(Context& context, http::Exchange& exchange, WebSocketMessageFormats formats,
                      const MakeDialect& make_dialect) {
  const http::Request& request = exchange.request();
  if (request.method == "CONNECT") return accept_websocket_tunnel(context, exchange, formats, make_dialect);
  if (request.header_count("sec-websocket-key") > 1) {
    exchange.respond_error(400, "bad_upgrade", "Sec-WebSocket-Key appears more than once");
    return false;
  }
  // Upgrade and Connection are lists, which a client or proxy may split over several lines.
  const std::string upgrade = request.header_list("upgrade");
  const std::string connection = request.header_list("connection");
  const ws::UpgradeCheck check = ws::check_upgrade({request.method, upgrade, connection,
                                                    header_or_empty(request, "sec-websocket-version"),
                                                    header_or_empty(request, "sec-websocket-key")});
  if (!check.ok()) {
    http::HeaderList headers;
    if (check.status == 426) headers = {{"Sec-WebSocket-Version", std::string(ws::kSupportedVersion)}, {"Upgrade", "websocket"}};
    exchange.respond_error(check.status, "bad_upgrade", check.error, headers);
    return false;
  }
  if (!allow_origin(context, exchange)) return false;

  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ";
  response += ws::accept_key(header_or_empty(request, "sec-websocket-key"));
  response += "\r\n";
  std::optional<ws::DeflateParams> deflate;
  if (context.settings.ws_deflate) {
    if (auto agreement = ws::negotiate_deflate(request.header_list("sec-websocket-extensions"))) {
      deflate = agreement->params;
      response += "Sec-WebSocket-Extensions: " + agreement->response + "\r\n";
    }
  }
  response += "\r\n";

  auto websocket = std::make_unique<WebSocketConnection>(context, exchange.connection(), deflate, formats);
  exchange.send_raw(std::move(response));
  // The dialect may subscribe, which reads the request's since: before the request goes away.
  websocket->set_dialect(make_dialect(*websocket));
  PW_LOG(debug, exchange.connection().peer(), " websocket open", deflate ? " (deflate)" : "");
  exchange.upgrade(std::move(websocket));
  return true;
}

void handle_websocket(Context& context, http::Exchange& exchange, std::string_view channel) {
  const http::Request& request = exchange.request();
  std::string fixed_channel;
  const std::string* since = nullptr;
  if (!channel.empty() && (!read_channel(exchange, channel, fixed_channel) || !read_since(exchange, since))) return;
  // A token as bearer or ?token=; the publish key as bearer or ?key=.
  const std::string* key = request.query_param("key");
  auth::Credentials credentials = context.settings.access.present(presented_token(request),
                                                                  key ? std::string_view(*key) : "", util::wall_ms());
  auth::Decision decision;
  if (!fixed_channel.empty() && !allow_subscribe(context, exchange, fixed_channel, credentials, decision)) return;
  accept_websocket(context, exchange, JsonDialect::message_formats(),
                   [&](WebSocketConnection& websocket) -> std::unique_ptr<WebSocketDialect> {
                     if (fixed_channel.empty()) return std::make_unique<OpsDialect>(websocket, std::move(credentials));
                     return std::make_unique<ChannelDialect>(websocket, std::move(credentials), fixed_channel,
                                                             since);
                   });
}

}  // namespace pushwire::transports
