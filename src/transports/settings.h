#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "auth/access.h"

namespace pushwire::transports {

// What the techniques need to know of the server's configuration.
struct Settings {
  size_t max_message_bytes = 65536;
  int64_t heartbeat_ms = 15'000;
  int64_t tick_ms = 1000;  // how often on_tick runs: heartbeats are due within half of it
  size_t max_pending_bytes = 1 << 20;
  size_t max_channels_per_client = 256;
  size_t max_session_buffer_bytes = 1 << 20;  // a poll session's messages kept between polls
  int64_t session_grace_ms = 30'000;          // a poll session's life after its last poll was answered
  bool ws_deflate = true;
  auth::Access access{nullptr, {}, {}};  // who may subscribe and publish (with the publish key)
};

}  // namespace pushwire::transports
