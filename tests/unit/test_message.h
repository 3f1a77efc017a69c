#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "core/message.h"

// A message with just a channel and a seq, for tests of what orders and keeps them.
inline pushwire::core::MessagePtr test_message(const std::string& channel, uint64_t seq) {
  auto m = std::make_shared<pushwire::core::Message>();
  m->channel = channel;
  m->seq = seq;
  return m;
}
