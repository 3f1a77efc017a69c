#include "transports/websocket_session.h"

#include <algorithm>

#include "core/names.h"
#include "net/event_loop.h"
#include "transports/broker_wait.h"
#include "transports/channel_listener.h"
#include "transports/publish.h"
#include "transports/ws_frames.h"
#include "util/json_escape.h"
#include "util/log.h"
#include "util/secret_equal.h"
#include "util/slab_pool.h"
#include "ws/close_codes.h"
#include "ws/frame_writer.h"

namespace pushwire::transports {

namespace {
// A frame may carry a publish a little over --max-message-bytes (the JSON
// around the data); past this margin it is a protocol-level 1009.
constexpr size_t kOpOverhead = 4096;
constexpr size_t kMaxSubscriptions = 1024;
constexpr int kMissedHeartbeats = 3;
}  // namespace

class WebSocketSession::ChannelSubscription final : public ChannelListener,
                                                   public util::SlabAllocated<ChannelSubscription> {
 public:
  ChannelSubscription(WebSocketSession& session, ChannelSubscription* next) : session_(session), next_(next) {}

  // Subscribes; then, if the resume fell short, the gap op, and the replay.
  void start(std::string_view channel, const std::string* since) {
    listen(session_.context_, channel, since, [this](core::Replay replay) {
      if (replay.gap) session_.send(ws_gap_frame(this->channel()));
      for (const core::MessagePtr& message : replay.messages) session_.send_message(message);
    });
  }
  ChannelSubscription*& next() { return next_; }

 private:
  void on_message(const core::MessagePtr& message) override { session_.send_message(message); }
  void prefetch() const override {
    __builtin_prefetch(&session_);
    session_.connection_.prefetch_for_write();
  }
  WebSocketSession& session_;
  ChannelSubscription* next_;
};

WebSocketSession::WebSocketSession(Context& context, net::Connection& connection,
                                   std::optional<ws::DeflateParams> deflate, bool authorized)
    : context_(context),
      connection_(connection),
      deflate_(deflate.has_value()),
      authorized_(authorized),
      last_received_s_(static_cast<uint32_t>(connection.loop().now_ms() / 1000)),
      last_ping_s_(last_received_s_),
      parser_(*this, context.settings.max_message_bytes + kOpOverhead, deflate) {
  // Spread the heartbeats of connections opened together over the second half
  // of the interval, so that thousands of pings do not leave in one second.
  const auto half_interval_s = static_cast<uint32_t>(std::max<int64_t>(1, context.settings.heartbeat_ms / 2000));
  last_ping_s_ -= static_cast<uint32_t>((reinterpret_cast<uintptr_t>(this) >> 6) % half_interval_s);
}

WebSocketSession::~WebSocketSession() {
  while (ChannelSubscription* s = subscriptions_) {
    subscriptions_ = s->next();
    delete s;
  }
  if (publish_answers_) publish_answers_->release();
}

WebSocketSession::ChannelSubscription* WebSocketSession::find_subscription(std::string_view channel) const {
  for (ChannelSubscription* s = subscriptions_; s; s = s->next())
    if (s->channel() == channel) return s;
  return nullptr;
}

void WebSocketSession::subscribe_fixed_channel(const std::string& channel, const std::string* since) {
  fixed_channel_ = true;
  subscribe(channel, since, {});
}

void WebSocketSession::on_read(std::string_view bytes) {
  last_received_s_ = static_cast<uint32_t>(connection_.loop().now_ms() / 1000);
  parser_.feed(bytes);
}

void WebSocketSession::on_text(std::string_view message) {
  if (closing_) return;
  if (fixed_channel_) {
    publish(subscriptions_->channel(), {}, std::string(message), {});
    return;
  }
  auto parsed = parse_ws_op(message);
  if (auto* error = std::get_if<WsOpError>(&parsed)) {
    send(ws_error_frame(error->ref, error->code, error->message));
    return;
  }
  handle_op(std::get<WsOp>(parsed));
}

void WebSocketSession::on_binary(std::string_view) {
  send(ws_error_frame({}, "bad_op", "ops are JSON text frames, not binary"));
}

void WebSocketSession::on_ping(std::string_view payload) {
  if (!closing_) send(ws::encode_frame(ws::Opcode::pong, payload));
}

void WebSocketSession::on_pong(std::string_view) {}

void WebSocketSession::on_close(std::uint16_t code, std::string_view reason) {
  if (closing_) {
    connection_.close();
    return;
  }
  closing_ = true;
  connection_.write(code == ws::kCloseNoStatus ? ws::encode_frame(ws::Opcode::close, {}) : ws::encode_close(code, reason));
  connection_.close();
}

void WebSocketSession::on_protocol_error(std::uint16_t code, std::string_view reason) {
  PW_LOG_LIMITED("websocket closes", info, connection_.peer(), " websocket closed with ", code, ": ", reason);
  close_with(code, reason);
}

void WebSocketSession::handle_op(const WsOp& op) {
  switch (op.kind) {
    case WsOp::Kind::subscribe:
      subscribe(op.channel, op.has_since ? &op.since : nullptr, op.ref);
      break;
    case WsOp::Kind::unsubscribe:
      unsubscribe(op.channel, op.ref);
      break;
    case WsOp::Kind::publish:
      publish(op.channel, op.event, op.data, op.ref);
      break;
    case WsOp::Kind::auth:
      if (context_.settings.publish_key.empty() || util::secret_equal(op.key, context_.settings.publish_key)) {
        authorized_ = true;
        send(ws_ok_frame(op.ref));
      } else {
        send(ws_error_frame(op.ref, "unauthorized", "wrong publish key"));
      }
      break;
    case WsOp::Kind::ping:
      send(ws_pong_frame(op.ref));
      break;
  }
}

void WebSocketSession::subscribe(const std::string& channel, const std::string* since, const std::string& ref) {
  if (!core::is_valid_channel(channel)) {
    send(ws_error_frame(ref, "bad_channel", core::kChannelRule));
    return;
  }
  if (find_subscription(channel)) {
    send(ws_error_frame(ref, "already_subscribed", "this connection is subscribed to " + channel + " already"));
    return;
  }
  if (subscription_count_ >= kMaxSubscriptions) {
    send(ws_error_frame(ref, "too_many_subscriptions", "one connection may hold 1024 subscriptions"));
    return;
  }
  auto* sub = new ChannelSubscription(*this, subscriptions_);
  subscriptions_ = sub;
  ++subscription_count_;
  if (!fixed_channel_) {
    std::string extra = ",\"channel\":";
    util::append_json_string(extra, channel);
    send(ws_ok_frame(ref, extra));
  }
  sub->start(channel, since);
}

void WebSocketSession::unsubscribe(const std::string& channel, const std::string& ref) {
  if (!core::is_valid_channel(channel)) {
    send(ws_error_frame(ref, "bad_channel", core::kChannelRule));
    return;
  }
  for (ChannelSubscription** link = &subscriptions_; *link; link = &(*link)->next()) {
    if ((*link)->channel() != channel) continue;
    ChannelSubscription* gone = *link;
    *link = gone->next();
    --subscription_count_;
    delete gone;
    break;
  }
  send(ws_ok_frame(ref));
}

void WebSocketSession::publish(const std::string& channel, std::string_view event, std::string data,
                               const std::string& ref) {
  if (!authorized_) {
    send(ws_error_frame(ref, "unauthorized", "send {\"op\":\"auth\",\"key\":...} before publishing"));
    return;
  }
  if (auto refusal = check_publish(context_.settings, channel, event, data)) {
    send(ws_error_frame(ref, refusal->code, refusal->message));
    return;
  }
  // A broker may answer after this session is gone; made on its first publish.
  if (!publish_answers_) publish_answers_ = new util::BackReference<WebSocketSession>(this);
  context_.broker.publish(channel, event.empty() ? core::kDefaultEvent : event, std::move(data),
                          [back = publish_answers_->hold(), ref](core::MessagePtr message) {
                            WebSocketSession* self = back->redeem();
                            if (!self) return;
                            if (!message) {
                              self->send(ws_error_frame(ref, "unavailable", kBrokerUnavailable));
                              return;
                            }
                            util::Metrics::add(self->context_.metrics.messages_published_total);
                            // The HTTP answer's members, inside the ok op.
                            const std::string ack = publish_ack_json(*message);
                            self->send(ws_ok_frame(ref, "," + ack.substr(1, ack.size() - 2)));
                          });
}

void WebSocketSession::send(std::string frame) {
  if (closing_) return;
  connection_.write(std::move(frame));
  after_send();
}

void WebSocketSession::send_message(const core::MessagePtr& message) {
  if (closing_) return;
  const std::string& frame = message->encoded(deflate_ ? kWsMessageDeflateFrame : kWsMessageFrame);
  connection_.write(net::OutChunk::view(message, frame));
  after_send();
}

void WebSocketSession::after_send() {
  if (!over_pending_limit(context_, connection_, "websocket", {})) return;
  closing_ = true;
  connection_.abort();
}

void WebSocketSession::close_with(std::uint16_t code, std::string_view reason) {
  if (closing_) return;
  send(ws::encode_close(code, reason));
  closing_ = true;
  connection_.close();
}

void WebSocketSession::on_tick(int64_t now_ms) {
  if (closing_) return;
  const int64_t now_s = now_ms / 1000;
  const int64_t interval_s = std::max<int64_t>(1, context_.settings.heartbeat_ms / 1000);
  if (now_s - last_received_s_ > kMissedHeartbeats * interval_s) {
    PW_LOG_LIMITED("websocket closes", info, connection_.peer(), " websocket silent for ", now_s - last_received_s_, " s, closing");
    close_with(ws::kCloseGoingAway, "no frames received");
    return;
  }
  if (now_s - last_ping_s_ >= interval_s) {
    last_ping_s_ = static_cast<uint32_t>(now_s);
    send(ws::encode_frame(ws::Opcode::ping, {}));
  }
}

void WebSocketSession::on_shutdown() { close_with(ws::kCloseGoingAway, "server stopping"); }

}  // namespace pushwire::transports
