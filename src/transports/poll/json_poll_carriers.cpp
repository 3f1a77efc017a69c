#include "transports/poll/json_poll_carriers.h"

namespace pushwire::transports {

namespace {
class JsonPollCarrier final : public PollCarrier {
 public:
  explicit JsonPollCarrier(bool waits) : waits_(waits) {}

  bool waits() const override { return waits_; }
  void answer(http::Exchange& exchange, std::string body) const override {
    exchange.respond_json(200, std::move(body));
  }
  void refuse(http::Exchange& exchange, int status, std::string_view code, std::string_view message) const override {
    exchange.respond_error(status, code, message);
  }

 private:
  const bool waits_;
};
}  // namespace

std::shared_ptr<const PollCarrier> longpoll_carrier(http::Exchange&) {
  static const auto carrier = std::make_shared<const JsonPollCarrier>(true);
  return carrier;
}

std::shared_ptr<const PollCarrier> poll_carrier(http::Exchange&) {
  static const auto carrier = std::make_shared<const JsonPollCarrier>(false);
  return carrier;
}

}  // namespace pushwire::transports
