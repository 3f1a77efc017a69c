#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/subscriber.h"
#include "net/connection.h"
#include "transports/context.h"
#include "transports/ws_op.h"
#include "util/back_reference.h"
#include "util/slab_pool.h"
#include "ws/frame_parser.h"
#include "ws/permessage_deflate.h"

namespace pushwire::transports {

// A WebSocket connection after the handshake. On /ws it speaks the JSON ops
// (several subscriptions at once); on /ws/{channel} it is subscribed on open
// and every text frame it receives is published to that channel.
class WebSocketSession final : public net::Connection::Handler,
                               private ws::FrameParser::Sink,
                               public util::SlabAllocated<WebSocketSession> {
 public:
  WebSocketSession(Context& context, net::Connection& connection, std::optional<ws::DeflateParams> deflate,
                   bool authorized);
  ~WebSocketSession() override;

  // For /ws/{channel}: subscribes at once, from `since` (nullptr: new only),
  // and from then on every text frame is a publish to that channel.
  void subscribe_fixed_channel(const std::string& channel, const std::string* since);

  void on_read(std::string_view bytes) override;
  void on_tick(int64_t now_ms) override;
  void on_shutdown() override;

 private:
  class ChannelSubscription;

  // FrameParser::Sink
  void on_text(std::string_view message) override;
  void on_binary(std::string_view message) override;
  void on_ping(std::string_view payload) override;
  void on_pong(std::string_view payload) override;
  void on_close(std::uint16_t code, std::string_view reason) override;
  void on_protocol_error(std::uint16_t code, std::string_view reason) override;

  ChannelSubscription* find_subscription(std::string_view channel) const;
  void handle_op(const WsOp& op);
  void subscribe(const std::string& channel, const std::string* since, const std::string& ref);
  void unsubscribe(const std::string& channel, const std::string& ref);
  void publish(const std::string& channel, std::string_view event, std::string data, const std::string& ref);
  void send(std::string frame);
  void send_message(const core::MessagePtr& message);
  void after_send();
  void close_with(std::uint16_t code, std::string_view reason);

  // What send_message reads comes first, in the object's first cache line:
  // a fan-out to 10,000 sessions is bound by cache misses, not instructions.
  Context& context_;
  net::Connection& connection_;
  bool deflate_;
  bool closing_ = false;
  bool authorized_;
  bool fixed_channel_ = false;  // /ws/{channel}: the one subscription's channel
  // Loop-clock seconds (heartbeats have one-second granularity anyway).
  uint32_t last_received_s_;
  uint32_t last_ping_s_;
  uint32_t subscription_count_ = 0;
  ChannelSubscription* subscriptions_ = nullptr;  // a list: most connections hold one or none
  util::BackReference<WebSocketSession>* publish_answers_ = nullptr;
  ws::FrameParser parser_;
};

}  // namespace pushwire::transports
