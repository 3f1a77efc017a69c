#pragma once
#include <cstddef>
#include <string>

#include "transports/context.h"

namespace pushwire::transports {

// --max-channels-per-client. True (and counted in /metrics) when a client
// that holds `held` channels may not take one more; it is then refused with
// the code too_many_channels (HTTP: 400) and channel_limit_message().
bool over_channel_limit(Context& context, size_t held);
std::string channel_limit_message(const Settings& settings);

}  // namespace pushwire::transports
