#pragma once
#include "broker/broker.h"
#include <vector>

#include "core/fanout.h"
#include "core/session_registry.h"
#include "net/event_loop.h"
#include "transports/publish/publish_rate.h"
#include "transports/settings.h"
#include "util/metrics.h"

namespace pushwire::transports {

// Everything a technique's handler reaches on its event-loop thread.
struct Context {
  broker::Broker& broker;
  core::Fanout& fanout;
  net::EventLoop& loop;
  const Settings& settings;
  util::Metrics& metrics;
  PublishRate& publish_rate;  // shared by every thread
  core::SessionRegistry& sessions;      // this thread's
  const std::vector<Context*>& peers;  // every thread's, by thread index: where a session's owner is
};

}  // namespace pushwire::transports
