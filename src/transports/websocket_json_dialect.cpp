#include "transports/websocket_json_dialect.h"

#include "core/names.h"
#include "transports/broker_wait.h"
#include "transports/channel_limit.h"
#include "transports/publish.h"
#include "transports/ws_frames.h"
#include "util/json_escape.h"

namespace pushwire::transports {

WebSocketMessageFormats JsonDialect::message_formats() { return {&kWsMessageFrame, &kWsMessageDeflateFrame}; }

JsonDialect::JsonDialect(WebSocketConnection& connection, auth::Credentials credentials)
    : connection_(connection), channels_(connection, ws_gap_frame) {
  if (connection.context().settings.access.restricts())
    access_ = std::make_unique<WebSocketAccess>(connection, std::move(credentials), [this] { on_token_expired(); });
}

JsonDialect::~JsonDialect() {
  if (publish_answers_) publish_answers_->release();
}

void JsonDialect::subscribe(const std::string& channel, const std::string* since, const std::string& ref,
                            bool acknowledge) {
  if (!core::is_valid_channel(channel)) {
    connection_.send_frame(ws_error_frame(ref, "bad_channel", core::kChannelRule));
    return;
  }
  if (channels_.contains(channel)) {
    connection_.send_frame(
        ws_error_frame(ref, "already_subscribed", "this connection is subscribed to " + channel + " already"));
    return;
  }
  if (over_channel_limit(connection_.context(), channels_.count())) {
    connection_.send_frame(
        ws_error_frame(ref, "too_many_channels", channel_limit_message(connection_.context().settings)));
    return;
  }
  bool expiring = false;
  if (access_ && !access_->may_subscribe(channel, ref, expiring)) return;
  if (acknowledge) {
    std::string extra = ",\"channel\":";
    util::append_json_string(extra, channel);
    connection_.send_frame(ws_ok_frame(ref, extra));
  }
  channels_.add(channel, since, expiring);
}

void JsonDialect::publish(const std::string& channel, std::string_view event, std::string data,
                          const std::string& ref) {
  if (access_ && !access_->may_publish(channel, ref)) return;
  Context& context = connection_.context();
  if (auto refusal = check_publish_rate(context, connection_.peer_ip())) {
    connection_.send_frame(ws_error_frame(ref, refusal->code, refusal->message));
    return;
  }
  if (auto refusal = check_publish(context.settings, channel, event, data)) {
    connection_.send_frame(ws_error_frame(ref, refusal->code, refusal->message));
    return;
  }
  if (!publish_answers_) publish_answers_ = new util::BackReference<JsonDialect>(this);
  context.broker.publish(channel, event.empty() ? core::kDefaultEvent : event, std::move(data),
                         [back = publish_answers_->hold(), ref](core::MessagePtr message) {
                           JsonDialect* self = back->redeem();
                           if (!self) return;
                           if (!message) {
                             self->connection_.send_frame(ws_error_frame(ref, "unavailable", kBrokerUnavailable));
                             return;
                           }
                           util::Metrics::add(self->connection_.context().metrics.messages_published_total);
                           // The HTTP answer's members, inside the ok op.
                           const std::string ack = publish_ack_json(*message);
                           self->connection_.send_frame(ws_ok_frame(ref, "," + ack.substr(1, ack.size() - 2)));
                         });
}

void JsonDialect::authenticate(const std::string& token, const std::string& key, const std::string& ref) {
  using AuthResult = WebSocketAccess::AuthResult;
  const AuthResult result = access_ ? access_->authenticate(token, key, ref) : AuthResult::taken;
  if (result == AuthResult::refused) return;
  connection_.send_frame(ws_ok_frame(ref));
  if (result != AuthResult::new_grant) return;
  for (const std::string& channel : channels_.expiring()) {
    if (access_->grants_subscription(channel)) {
      channels_.resume(channel);
    } else {
      channels_.remove(channel);
      connection_.send_frame(ws_expired_frame(channel));
    }
  }
}

void JsonDialect::on_token_expired() {
  for (const std::string& channel : channels_.suspend_expiring()) connection_.send_frame(ws_expired_frame(channel));
}

}  // namespace pushwire::transports
