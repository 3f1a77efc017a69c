#include "http/overload_answer.h"

#include <string>

#include "http/response_head.h"

namespace pushwire::http {

OverloadAnswer::OverloadAnswer(net::Connection& connection, std::string_view why) : connection_(connection) {
  const std::string body = error_body("overloaded", why);
  ResponseHead head(503);
  head.add("Content-Type", "application/json");
  head.add("Retry-After", std::to_string(kOverloadRetryAfterS));
  head.add("Cache-Control", "no-store");
  connection_.write(std::move(head).finish(BodyFraming::content_length, body.size(), false) + body);
}

void OverloadAnswer::on_read(std::string_view) { connection_.close(); }

// The first tick may come at once; the second is at least a second away.
void OverloadAnswer::on_tick(int64_t) {
  if (++ticks_ == 2) connection_.close();
}

void OverloadAnswer::on_shutdown() { connection_.close(); }

}  // namespace pushwire::http
