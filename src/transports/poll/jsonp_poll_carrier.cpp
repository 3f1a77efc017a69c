#include "transports/poll/jsonp_poll_carrier.h"

#include "transports/request_args.h"
#include "util/json_escape.h"

namespace pushwire::transports {

namespace {
constexpr std::string_view kScript = "application/javascript; charset=utf-8";

class JsonpCarrier final : public PollCarrier {
 public:
  explicit JsonpCarrier(std::string callback) : callback_(std::move(callback)) {}

  bool waits() const override { return true; }
  void answer(http::Exchange& exchange, std::string body) const override {
    exchange.respond(200, kScript, callback_ + "(" + body + ");");
  }
  void refuse(http::Exchange& exchange, int, std::string_view code, std::string_view message) const override {
    std::string body = "{\"error\":";
    util::append_json_string(body, code);
    body += ",\"message\":";
    util::append_json_string(body, message);
    body += '}';
    answer(exchange, std::move(body));
  }

 private:
  const std::string callback_;
};
}  // namespace

std::shared_ptr<const PollCarrier> jsonp_carrier(http::Exchange& exchange) {
  std::string callback;
  if (!read_callback(exchange, callback)) return nullptr;
  return std::make_shared<const JsonpCarrier>(std::move(callback));
}

}  // namespace pushwire::transports
