#include "transports/poll/poll_session.h"

#include <algorithm>
#include <utility>

#include "util/clock.h"

namespace pushwire::transports {

PollSession::PollSession(Context& context)
    : context_(context),
      channels_(context, *this),
      buffer_(context.settings.max_session_buffer_bytes),
      wait_(context.loop, [this] { answer(); }),
      grace_(context.loop,
             [this] {
               util::Metrics::add(context_.metrics.sessions_expired_total);
               end();
             }),
      expiry_(context.loop) {}

PollSession::~PollSession() {
  util::Metrics::add(context_.metrics.sessions_buffered_bytes, -static_cast<int64_t>(counted_bytes_));
}

PollSession* PollSession::open(Context& context, const std::vector<std::string>& channels, const std::string* since,
                               int64_t expires_at_ms) {
  auto* self = new PollSession(context);
  if (!context.sessions.add(*self)) {
    delete self;
    context.metrics.refused(util::Refusal::max_sessions);
    return nullptr;
  }
  util::Metrics::add(context.metrics.sessions_created_total);
  util::Metrics::add(context.metrics.sessions_open, 1);
  self->expire_at(expires_at_ms);
  self->channels_.hold();
  for (const std::string& channel : channels) self->channels_.subscribe(channel, since, core::CursorScope::stream);
  self->channels_.release();
  return self;
}

void PollSession::poll(const std::string* ack, int64_t wait_ms, Reply reply, std::weak_ptr<const void> carrier) {
  if (waiting_) answer();
  grace_.clear();
  if (ack) buffer_.ack(*ack);
  count_buffered_bytes();
  waiting_ = std::move(reply);
  waiting_carrier_ = std::move(carrier);
  if (!buffer_.empty() || wait_ms == 0 || !channels_.settled()) {
    answer_when_settled();
    return;
  }
  wait_.set(wait_ms);
}

core::SessionOpResult PollSession::apply(const core::SessionOp& op) {
  if (auto refusal = channels_.refusal(op)) return *refusal;
  if (op.kind == core::SessionOp::Kind::subscribe) {
    channels_.subscribe(op.channel, op.since ? &*op.since : nullptr, core::CursorScope::channel);
    expire_at(op.expires_at_ms);
  } else {
    channels_.unsubscribe(op.channel);
    buffer_.forget(op.channel);
  }
  // The client learns of its new channels at once.
  if (waiting_) answer_when_settled();
  return {op.ref, {}, {}};
}

void PollSession::on_position(const std::string& channel, const std::string& position) {
  buffer_.add_position(channel, position);
}

void PollSession::on_gap(const std::string& channel) { buffer_.add_gap(channel); }

void PollSession::on_message(const core::MessagePtr& message) {
  if (const size_t dropped = buffer_.add_message(message))
    util::Metrics::add(context_.metrics.session_buffer_overflows_total, dropped);
  count_buffered_bytes();
  reach(*message);
  if (waiting_ && channels_.settled()) answer();
}

void PollSession::on_settled(bool) {
  // Every message up to the last one drained on this thread is in the buffer now.
  if (const core::MessagePtr& drained = context_.fanout.last_drained()) reach(*drained);
  if (answer_due_ || (waiting_ && !buffer_.empty())) answer();
}

void PollSession::reach(const core::Message& message) {
  if (message.seq <= reached_seq_) return;
  reached_seq_ = message.seq;
  reached_ = message.id;
}

void PollSession::answer_when_settled() {
  if (channels_.settled()) answer();
  else answer_due_ = true;
}

void PollSession::answer() {
  answer_due_ = false;
  wait_.clear();
  if (!waiting_) return;
  buffer_.answered(reached_);
  Reply reply = std::exchange(waiting_, nullptr);
  grace_.set(context_.settings.session_grace_ms);
  const PollContent content{id(), buffer_, reached_};
  reply(&content);
}

void PollSession::carrier_gone() {
  if (!waiting_ || !waiting_carrier_.expired()) return;
  waiting_ = nullptr;
  answer_due_ = false;
  wait_.clear();
  grace_.set(context_.settings.session_grace_ms);
}

void PollSession::expire_at(int64_t expires_at_ms) {
  if (!expires_at_ms || (expires_at_ms_ && expires_at_ms_ <= expires_at_ms)) return;
  set_expiry(expires_at_ms);
}

std::optional<PollSession::Refusal> PollSession::renew(const auth::Credentials& credentials) {
  const int64_t now_ms = util::wall_ms();
  std::optional<Refusal> refusal;
  int64_t expires_at_ms = 0;
  channels_.for_each([&](const std::string& channel) {
    if (refusal) return;
    auth::Decision decision = context_.settings.access.may_subscribe(credentials, channel, now_ms);
    if (!decision.allowed()) refusal = Refusal{channel, std::move(decision)};
    else if (decision.expires_at_ms && (!expires_at_ms || decision.expires_at_ms < expires_at_ms))
      expires_at_ms = decision.expires_at_ms;
  });
  if (refusal) return refusal;
  if (expires_at_ms_ && (!expires_at_ms || expires_at_ms > expires_at_ms_)) set_expiry(expires_at_ms);
  return std::nullopt;
}

void PollSession::set_expiry(int64_t expires_at_ms) {
  expires_at_ms_ = expires_at_ms;
  if (!expires_at_ms) {
    expiry_.stop();
    return;
  }
  expiry_.start(std::max<int64_t>(expires_at_ms - util::wall_ms(), 0), [this] { end(); });
}

void PollSession::on_shutdown() {
  if (waiting_) answer();
  end();
}

void PollSession::count_buffered_bytes() {
  util::Metrics::add(context_.metrics.sessions_buffered_bytes,
                     static_cast<int64_t>(buffer_.bytes()) - static_cast<int64_t>(counted_bytes_));
  counted_bytes_ = buffer_.bytes();
}

void PollSession::end() {
  if (id().empty()) return;
  if (waiting_) std::exchange(waiting_, nullptr)(nullptr);
  context_.sessions.remove(*this);
  util::Metrics::add(context_.metrics.sessions_open, -1);
  channels_.clear();
  wait_.clear();
  grace_.clear();
  expiry_.stop();
  // Not now: this may be a timer's own callback.
  context_.loop.defer([this] { delete this; });
}

}  // namespace pushwire::transports
