#include "transports/publish/publish.h"

#include "core/names.h"
#include "transports/access_check.h"
#include "transports/broker_wait.h"
#include "transports/origin_check.h"
#include "util/clock.h"
#include "util/json_escape.h"
#include "util/utf8.h"

namespace pushwire::transports {

std::optional<PublishRefusal> check_publish(const Settings& settings, std::string_view channel, std::string_view event,
                                            std::string_view data) {
  if (!core::is_valid_channel(channel))
    return PublishRefusal{400, "bad_channel", std::string(core::kChannelRule)};
  if (!event.empty() && !core::is_valid_event(event))
    return PublishRefusal{400, "bad_event", std::string(core::kEventRule)};
  if (core::is_control_event(event))
    return PublishRefusal{400, "bad_event", "event names beginning with _ are reserved for the server"};
  if (data.size() > settings.max_message_bytes)
    return PublishRefusal{413, "too_large",
                          "the message is over the limit of " + std::to_string(settings.max_message_bytes) + " bytes"};
  if (!util::is_valid_utf8(data)) return PublishRefusal{400, "bad_utf8", "the message is not valid UTF-8"};
  return std::nullopt;
}

std::optional<PublishRefusal> check_publish_rate(Context& context, const std::string& ip) {
  if (!context.publish_rate.enabled()) return std::nullopt;
  const int64_t wait_s = context.publish_rate.take(ip, util::steady_ms());
  if (wait_s == 0) return std::nullopt;
  context.metrics.refused(util::Refusal::rate_limited);
  return PublishRefusal{429, "rate_limited", "too many publishes from this address (--publish-rate); try again later",
                        wait_s};
}

std::string publish_ack_json(const core::Message& message) {
  std::string out = "{\"channel\":";
  util::append_json_string(out, message.channel);
  out += ",\"id\":";
  util::append_json_string(out, message.id);
  out += ",\"time\":";
  out += std::to_string(message.time_ms);
  out += '}';
  return out;
}

void handle_publish(Context& context, http::Exchange& exchange, std::string_view rest) {
  const http::Request& request = exchange.request();
  // A page of another origin can POST here without asking first (a "simple"
  // request): CORS alone would only hide the answer, not stop the publish.
  if (!allow_origin(context, exchange)) return;
  if (!allow_publish(context, exchange, rest)) return;
  if (auto refusal = check_publish_rate(context, exchange.connection().peer_ip())) {
    exchange.respond_error(refusal->status, refusal->code, refusal->message,
                           {{"Retry-After", std::to_string(refusal->retry_after_s)}});
    return;
  }
  const std::string* event_param = request.query_param("event");
  const std::string_view event = event_param ? std::string_view(*event_param) : std::string_view();
  if (auto refusal = check_publish(context.settings, rest, event, request.body)) {
    exchange.respond_error(refusal->status, refusal->code, refusal->message);
    return;
  }
  context.broker.publish(rest, event.empty() ? core::kDefaultEvent : event, request.body,
                         [&context, &exchange, token = BrokerWait::hold(exchange)](core::MessagePtr message) {
                           if (token.expired()) return;
                           if (!message) {
                             exchange.respond_error(503, "unavailable", kBrokerUnavailable);
                             return;
                           }
                           util::Metrics::add(context.metrics.messages_published_total);
                           exchange.respond_json(200, publish_ack_json(*message));
                         });
}

}  // namespace pushwire::transports
