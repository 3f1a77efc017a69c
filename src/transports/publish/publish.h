#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/exchange.h"
#include "transports/context.h"

namespace pushwire::transports {

// Why a publish is refused: the HTTP status, and the code both HTTP and
// WebSocket errors carry.
struct PublishRefusal {
  int status;
  std::string code;
  std::string message;
  int64_t retry_after_s = 0;  // sent as Retry-After when not 0
};

// Checks channel, event (empty means "message"), size and UTF-8.
std::optional<PublishRefusal> check_publish(const Settings& settings, std::string_view channel, std::string_view event,
                                            std::string_view data);

// --publish-rate: 429 rate_limited (counted in /metrics) when the client
// address `ip` has used up its publishes for now.
std::optional<PublishRefusal> check_publish_rate(Context& context, const std::string& ip);

// {"channel":C,"id":ID,"time":MS}
std::string publish_ack_json(const core::Message& message);

// POST /pub/{channel}[?event=NAME]
void handle_publish(Context& context, http::Exchange& exchange, std::string_view rest);

}  // namespace pushwire::transports
