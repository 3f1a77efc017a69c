#pragma once
#include <string>

#include "transports/context.h"

namespace pushwire::app {

// The Prometheus text exposition of the server's metrics.
std::string metrics_text(transports::Context& context);

}  // namespace pushwire::app
