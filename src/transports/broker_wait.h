#pragma once
#include <memory>
#include <string_view>

#include "http/exchange.h"

namespace pushwire::transports {

// Said when a publish cannot reach the broker (Redis down): the client may retry.
inline constexpr std::string_view kBrokerUnavailable =
    "the message broker cannot be reached; the message was not acknowledged, try again";

// Keeps an exchange open while the broker answers, which a networked broker
// does later. The answer must check the token: it expires when the client
// goes away (or the exchange ends) first. If the server stops meanwhile,
// the request is answered 503.
class BrokerWait final : public http::ExchangeState {
 public:
  static std::weak_ptr<bool> hold(http::Exchange& exchange) {
    auto wait = std::unique_ptr<BrokerWait>(new BrokerWait(exchange));
    std::weak_ptr<bool> token = wait->token_;
    exchange.hold(std::move(wait));
    return token;
  }

  void on_shutdown() override {
    exchange_.respond_error(503, "unavailable", "the server is stopping; try again");
  }

 private:
  explicit BrokerWait(http::Exchange& exchange) : exchange_(exchange) {}

  http::Exchange& exchange_;
  std::shared_ptr<bool> token_ = std::make_shared<bool>(true);
};

}  // namespace pushwire::transports
