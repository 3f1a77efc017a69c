#include "transports/poll/poll.h"

#include "transports/access_check.h"
#include "transports/broker_wait.h"
#include "transports/envelope.h"
#include "transports/poll/longpoll_wait.h"
#include "transports/request_args.h"

namespace pushwire::transports {

void handle_poll(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string channel;
  const std::string* since;
  auth::Decision access;
  if (!read_channel(exchange, rest, channel) || !read_since(exchange, since) ||
      !allow_subscribe(context, exchange, channel, access))
    return;
  context.broker.replay(channel, since, [&, token = BrokerWait::hold(exchange)](core::Replay replay) {
    if (token.expired()) return;
    if (replay.gap) util::Metrics::add(context.metrics.gaps_total);
    exchange.respond_json(200, poll_body(replay.messages, replay.position, replay.gap));
  });
}

void handle_longpoll(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string channel;
  const std::string* since;
  int64_t timeout_ms;
  auth::Decision access;
  if (!read_channel(exchange, rest, channel) || !read_since(exchange, since) || !read_timeout_ms(exchange, timeout_ms) ||
      !allow_subscribe(context, exchange, channel, access))
    return;
  LongpollWait::start(context, exchange, channel, since, clamp_to_expiry(timeout_ms, access), PollShape::json());
}

void handle_jsonp(Context& context, http::Exchange& exchange, std::string_view rest) {
  std::string channel, callback;
  const std::string* since;
  int64_t timeout_ms;
  auth::Decision access;
  if (!read_channel(exchange, rest, channel) || !read_callback(exchange, callback) || !read_since(exchange, since) ||
      !read_timeout_ms(exchange, timeout_ms) || !allow_subscribe(context, exchange, channel, access))
    return;
  LongpollWait::start(context, exchange, channel, since, clamp_to_expiry(timeout_ms, access),
                      PollShape::jsonp(callback));
}

}  // namespace pushwire::transports
