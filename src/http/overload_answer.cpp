#include "http/overload_answer.h"

#include <string>

#include "http/response_head.h"
#include "net/event_loop.h"

namespace pushwire::http {

namespace {
constexpr int64_t kWaitForRequestMs = 1000;
}

OverloadAnswer::OverloadAnswer(net::Connection& connection, std::string_view why)
    : connection_(connection), opened_ms_(connection.loop().now_ms()) {
  const std::string body = error_body("overloaded", why);
  ResponseHead head(503);
  head.add("Content-Type", "application/json");
  head.add("Retry-After", std::to_string(kOverloadRetryAfterS));
  head.add("Cache-Control", "no-store");
  connection_.write(std::move(head).finish(BodyFraming::content_length, body.size(), false) + body);
}

void OverloadAnswer::on_read(std::string_view) { connection_.close(); }

// By time, not by ticks: the loop ticks faster than once a second when the
// heartbeat is short.
void OverloadAnswer::on_tick(int64_t now_ms) {
  if (now_ms - opened_ms_ >= kWaitForRequestMs) connection_.close();
}

void OverloadAnswer::on_shutdown() { connection_.close(); }

}  // namespace pushwire::http
