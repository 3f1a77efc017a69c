#pragma once
#include <string>

#include "transports/channel_listener.h"
#include "transports/websocket/websocket_json_dialect.h"
#include "util/slab_pool.h"

namespace pushwire::transports {

// GET /ws/{channel}: subscribed on open; every text frame the client sends
// is published to that channel. Access is checked at the handshake. The
// dialect is its one subscription, so an idle socket holds no separate one.
class ChannelDialect final : public JsonDialect,
                             private ChannelListener,
                             public util::SlabAllocated<ChannelDialect> {
 public:
  // Subscribes at once, from `since` (nullptr: new messages only).
  ChannelDialect(WebSocketConnection& connection, auth::Credentials credentials, const std::string& channel,
                 const std::string* since);
  ~ChannelDialect() override { stop(); }

  void on_text(std::string_view message) override;
  void on_binary(std::string_view message) override;

 private:
  // No auth op can follow on this socket: the expired op, then a 1008 close
  // (unless the channel is public).
  void on_token_expired() override;
  Context& listener_context() const override;
  void on_message(const core::MessagePtr& message) override;
  void prefetch() const override;

  bool expiring_ = false;  // granted by a token that will expire
};

}  // namespace pushwire::transports
