#pragma once
#include "net/admission.h"
#include "transports/publish/publish_rate.h"

namespace pushwire::app {

// The limits every worker thread counts against together.
struct ClientLimits {
  net::Admission admission;
  transports::PublishRate publish_rate;
};

}  // namespace pushwire::app
