#include "transports/poll/poll_sessions.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/message_id.h"
#include "core/session_id.h"
#include "transports/access_check.h"
#include "transports/poll/poll_session.h"
#include "transports/request_args.h"
#include "util/clock.h"

namespace pushwire::transports {

namespace {
constexpr std::string_view kUnknownSession =
    "no such poll session: it ended (no poll for --session-grace seconds) or never was; open a new one with "
    "since= the last_id you have";

using Carrier = std::shared_ptr<const PollCarrier>;

// Keeps a poll's exchange while its session answers (which may be on another
// thread, and later). When the request ends unanswered, the session's owner
// hears of it: a waiting poll whose client went is dropped, and the
// session's grace period begins. If the server stops meanwhile: 503.
class PollWait final : public http::ExchangeState {
 public:
  PollWait(http::Exchange& exchange, Context& owner, std::string id)
      : exchange_(exchange), owner_(owner), id_(std::move(id)) {}
  ~PollWait() override {
    const bool answered = *answered_;
    answered_.reset();
    // An answered poll is one its session no longer waits on.
    if (answered) return;
    owner_.loop.post_soon([&owner = owner_, id = std::move(id_)] {
      if (auto* session = dynamic_cast<PollSession*>(owner.sessions.find(id))) session->carrier_gone();
    });
  }
  void on_shutdown() override { exchange_.respond_error(503, "unavailable", "the server is stopping; try again"); }
  // Expires when the request ends; set once the poll was answered (or refused).
  std::weak_ptr<bool> answered() const { return answered_; }

 private:
  http::Exchange& exchange_;
  Context& owner_;
  std::string id_;
  std::shared_ptr<bool> answered_ = std::make_shared<bool>(false);
};

// A poll of session `id` owned by `owner`, answered (or refused, when its
// token does not cover the session) on the request's own thread if its
// client is still there.
struct Poll {
  std::function<void(std::optional<std::string> body)> reply;  // nothing: the session has ended
  std::function<void(PollSession::Refusal)> refuse;
  std::weak_ptr<const void> carrier;
};

Poll hold_poll(Context& context, http::Exchange& exchange, Context& owner, std::string_view id, Carrier carrier) {
  auto wait = std::make_unique<PollWait>(exchange, owner, std::string(id));
  std::weak_ptr<bool> alive = wait->answered();
  exchange.hold(std::move(wait));
  return {[&exchange, carrier = std::move(carrier), alive](std::optional<std::string> body) {
            const std::shared_ptr<bool> answered = alive.lock();
            if (!answered || exchange.finished()) return;
            *answered = true;
            if (body) carrier->answer(exchange, std::move(*body));
            else carrier->refuse(exchange, 404, "unknown_session", kUnknownSession);
          },
          [&context, &exchange, alive](PollSession::Refusal refusal) {
            const std::shared_ptr<bool> answered = alive.lock();
            if (!answered || exchange.finished()) return;
            *answered = true;
            refuse_access(context, exchange, refusal.decision, "subscribe", refusal.channel);
          },
          alive};
}

// The session's answer as `carrier` encodes it, on the owner's thread, handed to `deliver`.
PollSession::Reply encoded(Carrier carrier, std::function<void(std::optional<std::string>)> deliver) {
  return [carrier = std::move(carrier), deliver = std::move(deliver)](const PollContent* content) {
    deliver(content ? std::optional<std::string>(carrier->encode(*content)) : std::nullopt);
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
  Poll poll = hold_poll(context, exchange, context, session->id(), carrier);
  session->poll(nullptr, 0, encoded(carrier, std::move(poll.reply)), std::move(poll.carrier));
}

// On the owner's thread. A poll with a token (`renewal`) renews the session with it.
void poll_on_owner(Context& owner, const std::string& id, const std::string& ack, int64_t wait_ms,
                   const std::optional<auth::Credentials>& renewal, const Carrier& carrier, Poll poll) {
  auto* session = dynamic_cast<PollSession*>(owner.sessions.find(id));
  if (!session) {
    poll.reply(std::nullopt);
    return;
  }
  if (renewal)
    if (std::optional<PollSession::Refusal> refusal = session->renew(*renewal)) {
      poll.refuse(std::move(*refusal));
      return;
    }
  session->poll(&ack, wait_ms, encoded(carrier, std::move(poll.reply)), std::move(poll.carrier));
}

// What a next poll's token says, read on the request's thread: nothing when
// access control is off or the poll has no token.
std::optional<auth::Credentials> renewal_of(Context& context, const http::Request& request) {
  const auth::Access& access = context.settings.access;
  const std::string_view token = presented_token(request);
  if (!access.enabled() || token.empty()) return std::nullopt;
  return access.present(token, {}, util::wall_ms());
}

void next_poll(Context& context, http::Exchange& exchange, const Carrier& carrier, const std::string& id) {
  const std::string* ack = exchange.request().query_param("ack");
  if (!ack || !core::is_valid_since(*ack)) {
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
  std::optional<auth::Credentials> renewal = renewal_of(context, exchange.request());
  Context& target = *context.peers[*owner];
  Poll poll = hold_poll(context, exchange, target, id, carrier);
  if (&target == &context) {
    poll_on_owner(target, id, *ack, wait_ms, renewal, carrier, std::move(poll));
    return;
  }
  util::Metrics::add(context.metrics.session_requests_forwarded_total);
  // The owner's thread polls (and may wait there); the answer comes back to
  // this thread, which alone touches the exchange. If the client has gone
  // by then, the answer is dropped: its next poll acks an older answer, and
  // gets this one's messages again.
  target.loop.post([&target, &origin = context, id, ack = *ack, wait_ms, renewal = std::move(renewal), carrier,
                    poll = std::move(poll)] {
    auto answer_back = [&origin, reply = poll.reply](std::optional<std::string> body) {
      origin.loop.post([reply, body = std::move(body)] { reply(body); });
    };
    auto refuse_back = [&origin, refuse = poll.refuse](PollSession::Refusal refusal) {
      origin.loop.post([refuse, refusal = std::move(refusal)] { refuse(refusal); });
    };
    poll_on_owner(target, id, ack, wait_ms, renewal, carrier, {answer_back, refuse_back, poll.carrier});
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
