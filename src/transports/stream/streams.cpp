#include "transports/stream/streams.h"

#include <optional>
#include <vector>

#include "transports/access_check.h"
#include "transports/request_args.h"
#include "transports/stream/session_stream.h"
#include "transports/stream/stream_subscription.h"

namespace pushwire::transports {

namespace {
// A v1 stream names its channel in the path; a multi-channel one, on the
// technique's path without a channel, names them in the query.
struct Channels {
  std::vector<std::string> names;
  bool from_path;
  int64_t expires_at_ms = 0;  // when the permission for the first of them ends; 0: never
};

// The channels, each one the request may subscribe to (else it is answered 401 or 403).
std::optional<Channels> read_stream_channels(Context& context, http::Exchange& exchange, std::string_view rest) {
  Channels channels{{}, !rest.empty()};
  if (channels.from_path) {
    if (!read_channel(exchange, rest, channels.names.emplace_back())) return std::nullopt;
  } else if (!read_channels(context, exchange, channels.names)) {
    return std::nullopt;
  }
  for (const std::string& channel : channels.names) {
    auth::Decision access;
    if (!allow_subscribe(context, exchange, channel, access)) return std::nullopt;
    if (access.expires_at_ms && (!channels.expires_at_ms || access.expires_at_ms < channels.expires_at_ms))
      channels.expires_at_ms = access.expires_at_ms;
  }
  return channels;
}

void start(Context& context, http::Exchange& exchange, const Channels& channels, const std::string* since,
           const StreamStyle& style, const StreamStyle& session_style, std::string prefix = {}) {
  if (channels.from_path)
    StreamSubscription::start(context, exchange, channels.names.front(), since, style, channels.expires_at_ms,
                              std::move(prefix));
  else
    SessionStream::start(context, exchange, channels.names, since, session_style, channels.expires_at_ms,
                         std::move(prefix));
}
}  // namespace

void handle_sse(Context& context, http::Exchange& exchange, std::string_view rest) {
  auto channels = read_stream_channels(context, exchange, rest);
  const std::string* since = nullptr;
  if (!channels || !read_sse_since(exchange, since)) return;
  start(context, exchange, *channels, since, sse_style(), sse_session_style());
}

void handle_stream(Context& context, http::Exchange& exchange, std::string_view rest) {
  auto channels = read_stream_channels(context, exchange, rest);
  const std::string* since = nullptr;
  if (!channels || !read_since(exchange, since)) return;
  start(context, exchange, *channels, since, stream_style(), stream_style());
}

void handle_iframe(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string callback;
  const std::string* since = nullptr;
  auto channels = read_stream_channels(context, exchange, rest);
  if (!channels || !read_callback(exchange, callback) || !read_since(exchange, since)) return;
  start(context, exchange, *channels, since, iframe_style(), iframe_style(),
        "<script>parent." + callback + "(");
}

}  // namespace pushwire::transports
