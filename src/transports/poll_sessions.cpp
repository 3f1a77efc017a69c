#include "transports/poll_sessions.h"

#include <optional>
#include <string>
#include <vector>

#include "core/session_id.h"
#include "transports/access_check.h"
#include "transports/broker_wait.h"
#include "transports/poll_session.h"
#include "transports/request_args.h"

namespace pushwire::transports {

namespace {
constexpr std::string_view kUnknownSession =
    "no such poll session: it ended (no poll for --session-grace seconds) or never was; open a new one with "
    "since= the last_id you have";

using Carrier = std::shared_ptr<const PollCarrier>;

// Answers the request on its own thread, if its client is still there.
PollSession::Reply reply_here(http::Exchange& exchange, Carrier carrier) {
  return [&exchange, carrier, token = BrokerWait::hold(exchange)](std::optional<std::string> body) {
    if (token.expired() || exchange.finished()) return;
    if (body) carrier->answer(exchange, std::move(*body));
    else carrier->refuse(exchange, 404, "unknown_session", kUnknownSession);
  };
}

void open_session(Context& context, http::Exchange& exchange, const Carrier& carrier) {
  std::vector<std::string> channels;
  const std::string* since;
  int64_t timeout_ms;
  if (!read_channels(context, exchange, channels) || !read_since(exchange, since) ||
      !read_timeout_ms(exchange, timeout_ms))
    return;
  int64_t expires_at_ms = 0;
  for (const std::string& channel : channels) {
    auth::Decision access;
    if (!allow_subscribe(context, exchange, channel, access)) return;
    if (access.expires_at_ms && (!expires_at_ms || access.expires_at_ms < expires_at_ms))
      expires_at_ms = access.expires_at_ms;
  }
  PollSession* session = PollSession::open(context, channels, since, expires_at_ms);
  if (!session) {
    carrier->refuse(exchange, 503, "too_many_sessions", "the server has --max-sessions sessions open; try again later");
    return;
  }
  session->poll(nullptr, 0, reply_here(exchange, carrier));
}

// On the owner's thread.
void poll_on_owner(Context& owner, const std::string& id, const std::string& ack, int64_t wait_ms,
                   PollSession::Reply reply) {
  auto* session = dynamic_cast<PollSession*>(owner.sessions.find(id));
  if (!session) {
    reply(std::nullopt);
    return;
  }
  session->poll(&ack, wait_ms, std::move(reply));
}

void next_poll(Context& context, http::Exchange& exchange, const Carrier& carrier, const std::string& id) {
  const std::string* ack = exchange.request().query_param("ack");
  if (!ack || !is_cursor(*ack)) {
    carrier->refuse(exchange, 400, "bad_ack", "ack is the last_id of the answer you had last (1 to 64 of A-Z a-z 0-9 _ . : -)");
    return;
  }
  int64_t timeout_ms;
  if (!read_timeout_ms(exchange, timeout_ms)) return;
  const int64_t wait_ms = carrier->waits() ? timeout_ms : 0;
  const std::optional<unsigned> owner = core::session_owner(id);
  if (!owner || *owner >= context.peers.size()) {
    carrier->refuse(exchange, 404, "unknown_session", kUnknownSession);
    return;
  }
  PollSession::Reply reply = reply_here(exchange, carrier);
  Context& target = *context.peers[*owner];
  if (&target == &context) {
    poll_on_owner(target, id, *ack, wait_ms, std::move(reply));
    return;
  }
  util::Metrics::add(context.metrics.session_requests_forwarded_total);
  // The owner's thread polls (and may wait there); the answer comes back to
  // this thread, which alone touches the exchange. If the client has gone
  // by then, the answer is dropped: its next poll acks an older answer, and
  // gets this one's messages again.
  target.loop.post([&target, &origin = context, id, ack = *ack, wait_ms, reply = std::move(reply)] {
    poll_on_owner(target, id, ack, wait_ms, [&origin, reply](std::optional<std::string> body) {
      origin.loop.post([reply, body = std::move(body)] { reply(body); });
    });
  });
}
}  // namespace

void handle_poll_session(Context& context, http::Exchange& exchange, PollCarrierFactory make) {
  const Carrier carrier = make(exchange);
  if (!carrier) return;
  if (const std::string* id = exchange.request().query_param("session")) next_poll(context, exchange, carrier, *id);
  else open_session(context, exchange, carrier);
}

}  // namespace pushwire::transports
