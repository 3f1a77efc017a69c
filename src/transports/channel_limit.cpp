#include "transports/channel_limit.h"

namespace pushwire::transports {

bool over_channel_limit(Context& context, size_t held) {
  if (held < context.settings.max_channels_per_client) return false;
  context.metrics.refused(util::Refusal::too_many_channels);
  return true;
}

std::string channel_limit_message(const Settings& settings) {
  return "one client may hold " + std::to_string(settings.max_channels_per_client) +
         " channels (--max-channels-per-client)";
}

}  // namespace pushwire::transports
