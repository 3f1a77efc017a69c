#include "transports/channel_listener.h"

#include "util/log.h"

namespace pushwire::transports {

namespace {
bool over_limit(Context& context, size_t pending, net::ByteStream& stream, std::string_view technique,
                std::string_view channel) {
  if (pending <= context.settings.max_pending_bytes) return false;
  PW_LOG(warn, stream.peer(), " ", technique, " subscriber", channel.empty() ? "" : " of ", channel, " cut off: ", pending, " bytes unsent (limit ",
         context.settings.max_pending_bytes, ")");
  util::Metrics::add(context.metrics.slow_subscribers_disconnected_total);
  return true;
}
}  // namespace

bool over_pending_limit(Context& context, net::ByteStream& stream, std::string_view technique,
                        std::string_view channel) {
  return over_limit(context, stream.pending_bytes(), stream, technique, channel);
}

bool over_pending_limit(Context& context, http::Exchange& exchange, std::string_view technique,
                        std::string_view channel) {
  return over_limit(context, exchange.pending_bytes(), exchange.connection(), technique, channel);
}

}  // namespace pushwire::transports
