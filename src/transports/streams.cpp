#include "transports/streams.h"

#include "transports/request_args.h"
#include "transports/stream_subscription.h"

namespace pushwire::transports {

void handle_sse(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string channel;
  if (!read_channel(exchange, rest, channel)) return;
  // A reconnecting EventSource sends the id it saw last, and the original URL.
  const std::string* since = exchange.request().header("last-event-id");
  if (!since || since->empty()) since = since_param(exchange);
  StreamSubscription::start(context, exchange, channel, since, sse_style());
}

void handle_ndjson_stream(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string channel;
  if (!read_channel(exchange, rest, channel)) return;
  StreamSubscription::start(context, exchange, channel, since_param(exchange), ndjson_style());
}

void handle_iframe(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string channel, callback;
  if (!read_channel(exchange, rest, channel) || !read_callback(exchange, callback)) return;
  StreamSubscription::start(context, exchange, channel, since_param(exchange), iframe_style(),
                            "<script>parent." + callback + "(");
}

}  // namespace pushwire::transports
