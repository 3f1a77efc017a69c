#include "transports/stream/session_stream.h"

#include <algorithm>
#include <utility>

#include "transports/session_op.h"
#include "util/clock.h"
#include "util/json_escape.h"

namespace pushwire::transports {

SessionStream::SessionStream(Context& context, http::Exchange& exchange, const StreamStyle& style, std::string prefix)
    : writer_(context, exchange, style, std::move(prefix)),
      channels_(context, *this) {}

SessionStream::~SessionStream() {
  if (id().empty()) return;
  Context& context = writer_.context();
  context.sessions.remove(*this);
  util::Metrics::add(context.metrics.sessions_open, -1);
}

void SessionStream::start(Context& context, http::Exchange& exchange, const std::vector<std::string>& channels,
                          const std::string* since, const StreamStyle& style, int64_t expires_at_ms,
                          std::string prefix) {
  auto owned = std::unique_ptr<SessionStream>(new SessionStream(context, exchange, style, std::move(prefix)));
  SessionStream* self = owned.get();
  if (!context.sessions.add(*self)) {
    context.metrics.refused(util::Refusal::max_sessions);
    exchange.respond_error(503, "too_many_sessions", "the server has --max-sessions sessions open; try again later");
    return;
  }
  util::Metrics::add(context.metrics.sessions_created_total);
  util::Metrics::add(context.metrics.sessions_open, 1);
  exchange.hold(std::move(owned));
  self->writer_.set_label(self->id_c_str());
  self->writer_.open();
  self->writer_.control("_session", "{\"session\":" + util::json_string(self->id()) + "}");
  // Held until every replay is in, so that they are merged in publish order.
  self->expire_at(expires_at_ms);
  self->channels_.hold();
  for (const std::string& channel : channels) self->channels_.subscribe(channel, since, core::CursorScope::stream);
  self->channels_.release();
  exchange.release_request();  // `since` pointed into it; nothing reads it from now on
}

void SessionStream::expire_at(int64_t expires_at_ms) {
  if (!expires_at_ms || (expires_at_ms_ && expires_at_ms_ <= expires_at_ms)) return;
  expires_at_ms_ = expires_at_ms;
  if (!expiry_) expiry_ = std::make_unique<net::Timer>(writer_.context().loop);
  expiry_->start(std::max<int64_t>(expires_at_ms - util::wall_ms(), 0), [this] { expire(); });
}

void SessionStream::expire() {
  if (writer_.finished()) return;
  channels_.for_each([this](const std::string& channel) { writer_.control("_expired", channel_fields(channel)); });
  channels_.clear();
  writer_.exchange().end();
}

core::SessionOpResult SessionStream::apply(const core::SessionOp& op) {
  const core::SessionOpResult result = channels_.refusal(op).value_or(core::SessionOpResult{op.ref, {}, {}});
  // The result goes first on the stream, then what the op brings.
  writer_.control("_ack", session_result_json(result));
  if (!result.code.empty()) return result;
  if (op.kind == core::SessionOp::Kind::subscribe) {
    channels_.subscribe(op.channel, op.since ? &*op.since : nullptr, core::CursorScope::channel);
    expire_at(op.expires_at_ms);
  } else {
    channels_.unsubscribe(op.channel);
  }
  return result;
}

void SessionStream::on_gap(const std::string& channel) { writer_.control("_gap", channel_fields(channel)); }

void SessionStream::on_message(const core::MessagePtr& message) {
  writer_.message(message);
  cursor_named_ = true;
  cursor_seq_ = message->seq;
}

void SessionStream::on_settled(bool handed) {
  if (cursor_named_ && !handed) return;
  // With nothing drained on this thread yet, nothing was published before:
  // "0" (everything kept) is then exactly the place reached.
  const core::MessagePtr& reached = writer_.context().fanout.last_drained();
  const uint64_t place = reached ? reached->seq : 0;
  if (cursor_named_ && cursor_seq_ == place) return;
  writer_.cursor(reached ? std::string_view(reached->id) : "0");
  cursor_named_ = true;
  cursor_seq_ = place;
}

}  // namespace pushwire::transports
