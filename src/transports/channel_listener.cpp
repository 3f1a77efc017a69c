#include "transports/channel_listener.h"

#include "util/log.h"

namespace pushwire::transports {

namespace {
bool over_limit(Context& context, size_t pending, net::Connection& connection, std::string_view technique,
                std::string_view channel) {
  if (pending <= context.settings.max_pending_bytes) return false;
  PW_LOG(warn, connection.peer(), " ", technique, " subscriber", channel.empty() ? "" : " of ", channel, " cut off: ", pending, " bytes unsent (limit ",
         context.settings.max_pending_bytes, ")");
  util::Metrics::add(context.metrics.slow_subscribers_disconnected_total);
  return true;
}
}  // namespace

bool over_pending_limit(Context& context, net::Connection& connection, std::string_view technique,
                        std::string_view channel) {
  return over_limit(context, connection.pending_bytes(), connection, technique, channel);
}

bool over_pending_limit(Context& context, http::Exchange& exchange, std::string_view technique,
                        std::string_view channel) {
  return over_limit(context, exchange.pending_bytes(), exchange.connection(), technique, channel);
}

}  // namespace pushwire::transports
