#include "transports/streams.h"

#include "transports/access_check.h"
#include "transports/request_args.h"
#include "transports/stream_subscription.h"

namespace pushwire::transports {

void handle_sse(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string channel;
  auth::Decision access;
  if (!read_channel(exchange, rest, channel) || !allow_subscribe(context, exchange, channel, access)) return;
  // A reconnecting EventSource sends the id it saw last, and the original URL.
  const std::string* since = exchange.request().header("last-event-id");
  if (!since || since->empty()) since = since_param(exchange);
  StreamSubscription::start(context, exchange, channel, since, sse_style(), access.expires_at_ms);
}

void handle_ndjson_stream(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string channel;
  auth::Decision access;
  if (!read_channel(exchange, rest, channel) || !allow_subscribe(context, exchange, channel, access)) return;
  StreamSubscription::start(context, exchange, channel, since_param(exchange), ndjson_style(), access.expires_at_ms);
}

void handle_iframe(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string channel, callback;
  auth::Decision access;
  if (!read_channel(exchange, rest, channel) || !read_callback(exchange, callback) ||
      !allow_subscribe(context, exchange, channel, access))
    return;
  StreamSubscription::start(context, exchange, channel, since_param(exchange), iframe_style(), access.expires_at_ms,
                            "<script>parent." + callback + "(");
}

}  // namespace pushwire::transports
