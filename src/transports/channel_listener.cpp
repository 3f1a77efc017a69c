#include "transports/channel_listener.h"

#include "util/log.h"

namespace pushwire::transports {

bool over_pending_limit(Context& context, net::Connection& connection, std::string_view technique,
                        std::string_view channel) {
  if (connection.pending_bytes() <= context.settings.max_pending_bytes) return false;
  PW_LOG_LIMITED("slow subscribers", warn, connection.peer(), " ", technique, " subscriber", channel.empty() ? "" : " of ", channel, " cut off: ", connection.pending_bytes(), " bytes unsent (limit ",
         context.settings.max_pending_bytes, ")");
  util::Metrics::add(context.metrics.slow_subscribers_disconnected_total);
  return true;
}

}  // namespace pushwire::transports
