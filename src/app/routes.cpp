#include "app/routes.h"

#include <string>
#include <utility>

#include "app/metrics_text.h"
#include "http/exchange.h"
#include "transports/poll/json_poll_carriers.h"
#include "transports/poll/jsonp_poll_carrier.h"
#include "transports/origin_check.h"
#include "transports/poll/poll.h"
#include "transports/poll/poll_sessions.h"
#include "transports/publish/publish.h"
#include "transports/sessions.h"
#include "transports/stream/streams.h"
#include "transports/websocket/websocket_upgrade.h"

namespace pushwire::app {

void add_routes(http::Router& router, transports::Context& context, const http::StaticFiles& static_files) {
  using http::Exchange;
  auto bind = [&context](void (*handler)(transports::Context&, Exchange&, std::string_view)) {
    return [&context, handler](Exchange& exchange, std::string_view rest) { handler(context, exchange, rest); };
  };
  router.add("/healthz", "GET, HEAD", [](Exchange& exchange, std::string_view) {
    exchange.respond(200, "text/plain; charset=utf-8", "ok");
  });
  router.add("/metrics", "GET", [&context](Exchange& exchange, std::string_view) {
    exchange.respond(200, "text/plain; version=0.0.4; charset=utf-8", metrics_text(context));
  });
  router.add("/pub/", "POST", bind(transports::handle_publish));
  router.add("/poll/", "GET", bind(transports::handle_poll));
  router.add("/lp/", "GET", bind(transports::handle_longpoll));
  router.add("/jsonp/", "GET", bind(transports::handle_jsonp));
  // A stream technique names one channel in its path (/sse/{channel}), or several in the query (/sse?channel=...).
  using StreamHandler = void (*)(transports::Context&, Exchange&, std::string_view);
  const std::pair<const char*, StreamHandler> streams[] = {
      {"/sse", transports::handle_sse}, {"/stream", transports::handle_stream}, {"/iframe", transports::handle_iframe}};
  for (auto [path, handler] : streams) {
    router.add(std::string(path) + "/", "GET", bind(handler));
    router.add(path, "GET", bind(handler));
  }
  // A poll technique names one channel in its path (/lp/{channel}), or is a session's carrier (/lp?channel=...).
  const std::pair<const char*, transports::PollCarrierFactory> poll_carriers[] = {
      {"/lp", transports::longpoll_carrier}, {"/poll", transports::poll_carrier}, {"/jsonp", transports::jsonp_carrier}};
  for (const auto& [path, factory] : poll_carriers)
    router.add(path, "GET", [&context, make = factory](Exchange& exchange, std::string_view) {
      transports::handle_poll_session(context, exchange, make);
    });
  router.add("/session/", "GET, POST", bind(transports::handle_session));
  // CONNECT: WebSockets over HTTP/2 (RFC 8441).
  router.add("/ws", "GET, CONNECT", bind(transports::handle_websocket));
  router.add("/ws/", "GET, CONNECT", bind(transports::handle_websocket));
  router.add("/iframe-relay.html", "GET, HEAD", [&context, &static_files](Exchange& exchange, std::string_view) {
    if (transports::allow_relay_origin(context, exchange)) static_files.serve(exchange, exchange.request().path);
  });
  router.set_fallback([&static_files](Exchange& exchange, std::string_view path) {
    static_files.serve(exchange, path);
  });
}

}  // namespace pushwire::app
