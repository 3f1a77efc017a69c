#include "transports/websocket/websocket_json_dialect.h"

#include "core/names.h"
#include "transports/broker_wait.h"
#include "transports/publish/publish.h"
#include "transports/websocket/ws_frames.h"

namespace pushwire::transports {

WebSocketMessageFormats JsonDialect::message_formats() { return {&kWsMessageFrame, &kWsMessageDeflateFrame}; }

JsonDialect::JsonDialect(WebSocketConnection& connection, auth::Credentials credentials)
    : connection_(connection) {
  if (connection.context().settings.access.restricts())
    access_ = std::make_unique<WebSocketAccess>(connection, std::move(credentials), [this] { on_token_expired(); });
}

JsonDialect::~JsonDialect() {
  if (publish_answers_) publish_answers_->release();
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

}  // namespace pushwire::transports
